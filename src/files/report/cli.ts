/** `npm run cli -- report 2026Q4 --out DIR`: the quarter's report (its snapshot when issued) written as three files. */
import fs from 'node:fs';
import path from 'node:path';
import { passRateText, parseQuarter, quarterName } from '../../domain/report.js';
import { shanghaiDate } from '../../domain/time.js';
import type { Services } from '../../ports/services.js';
import { quarterReport } from '../../ports/report.js';
import { reportFiles } from './files.js';

export async function writeReportFiles(
  services: Services,
  label: string,
  dir: string,
  now: Date,
): Promise<{ ok: boolean; lines: string[] }> {
  const q = parseQuarter(label);
  if (!q) return { ok: false, lines: [`季度「${label}」写法不对，例如 2026Q4`] };
  if (shanghaiDate(now) < q.start) return { ok: false, lines: [`${quarterName(q)}尚未开始`] };
  const report = services.report;
  if (!report) return { ok: false, lines: ['report store not wired'] };
  const { report: r, issued } = await quarterReport(
    { store: services.store, report, baseCalendar: services.baseCalendar },
    q,
    now,
  );
  fs.mkdirSync(dir, { recursive: true });
  const lines = [
    `${quarterName(q)}（${r.from} 至 ${r.to}，${issued ? `已发布 ${issued.issuedAt.toISOString()}` : '草稿'}）：检查 ${r.overall.accounts} 个账号，不合格 ${r.overall.failed} 个，合格率 ${passRateText(r)}，${r.units.length} 个单位`,
  ];
  for (const f of await reportFiles(r)) {
    const file = path.join(dir, f.name);
    fs.writeFileSync(file, f.bytes);
    lines.push(`  ${file} (${f.bytes.byteLength} bytes)`);
  }
  return { ok: true, lines };
}
