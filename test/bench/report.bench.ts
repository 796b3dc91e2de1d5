import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { runChild } from './child.js';

const NOW = new Date('2026-11-23T09:00:00+08:00');
const here = fileURLToPath(import.meta.url);

interface Measure {
  ms: number;
  peakRssMb: number;
  detail: string;
}

async function child(mode: string, file: string): Promise<void> {
  let ms = 0;
  let detail = '';
  if (mode === 'scan') {
    const db = new Database(file, { readonly: true });
    const t0 = performance.now();
    const r = db.prepare('SELECT count(*) AS n, max(published_at) AS last FROM posts').get() as { n: number };
    ms = performance.now() - t0;
    detail = `${r.n} posts`;
    db.close();
  } else {
    const { createRuntime } = await import('../../src/node-runtime.js');
    const { computeQuarter } = await import('../../src/ports/report.js');
    const { parseQuarter, unitPage } = await import('../../src/domain/report.js');
    const rt = createRuntime({ databasePath: file, admins: [] });
    const deps = { store: rt.services.store, report: rt.services.report!, baseCalendar: rt.services.baseCalendar };
    const q = parseQuarter('2026Q4')!;
    const t0 = performance.now();
    const r = await computeQuarter(deps, q, NOW);
    const computed = performance.now() - t0;
    if (mode === 'compute') {
      ms = computed;
      detail = `${r.overall.accounts} accounts, ${r.overall.failed} failed, ${r.units.length} units, mean ${r.overall.meanScore}`;
    } else {
      const { chartPng } = await import('../../src/files/report/chart.js');
      const { reportDocx } = await import('../../src/files/report/docx.js');
      const { reportXlsx } = await import('../../src/files/report/xlsx.js');
      const subject = mode === 'files-unit' ? unitPage(r, r.units[r.units.length - 1]!.unitId) : r;
      // warm once (module code, the subsetting wasm, the font), as in a running server; then measure
      await Promise.all([
        chartPng(unitPage(r, r.units[0]!.unitId)),
        reportDocx(unitPage(r, r.units[0]!.unitId)),
        reportXlsx(unitPage(r, r.units[0]!.unitId)),
      ]);
      const parts: string[] = [];
      const t1 = performance.now();
      for (const [name, f] of [
        ['png', () => chartPng(subject)],
        ['docx', () => reportDocx(subject)],
        ['xlsx', () => reportXlsx(subject)],
      ] as const) {
        const t = performance.now();
        const bytes = await f();
        parts.push(`${name} ${(performance.now() - t).toFixed(0)} ms ${(bytes.byteLength / 1024).toFixed(0)} kB`);
      }
      ms = performance.now() - t1;
      detail = `${subject.accounts.length} accounts: ${parts.join(', ')}`;
    }
    rt.close();
  }
  process.stdout.write(`${JSON.stringify({ ms, peakRssMb: process.resourceUsage().maxRSS / 1024, detail })}\n`);
}

const measure = (mode: string, file: string): Measure => runChild<Measure>(here, mode, file);

export default async function bench(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-bench-'));
  const file = path.join(dir, 'national.sqlite');
  try {
    // imported here, not at the top: the sweep bench runs its own child mode when loaded with --bench-child
    const { build } = await import('./sweep.bench.js');
    const built = build(file, { accounts: 100_000, units: 5_000, posts: 2_000_000 });
    // the sweep's register has no filings: file the opening of most accounts (1 in 37 stays unfiled), some late
    const db = new Database(file);
    db.exec(`INSERT INTO filings (id, account_id, unit_id, kind, event_date, due_date, filed_at, late, status)
      SELECT id, id, unit_id, 'open', opened_on, opened_on, created_at, (id % 11 = 0), 'confirmed' FROM accounts WHERE id % 37 <> 0`);
    db.close();
    const scan = measure('scan', file);
    const compute = measure('compute', file);
    const again = measure('compute', file);
    const files = measure('files', file);
    const unit = measure('files-unit', file);
    const fmt = (name: string, m: Measure): string =>
      `${name.padEnd(40)} ${m.ms.toFixed(0).padStart(6)} ms   peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB   ${m.detail}`;
    return [
      `register: 100,000 accounts, 5,000 units, 2,000,000 posts; ${built.sizeMb.toFixed(0)} MB file, built in ${(built.ms / 1000).toFixed(1)} s; report 2026Q4 as of ${NOW.toISOString()}`,
      fmt('baseline: full scan of posts', scan),
      fmt('2026Q4 figures (SQL + scoring)', compute),
      fmt('2026Q4 figures, second run', again),
      fmt('files, whole register', files),
      fmt("files, one unit's page", unit),
      `ratio to the full scan (time): figures ${(compute.ms / scan.ms).toFixed(1)}×, second run ${(again.ms / scan.ms).toFixed(1)}× (aim: figures under 2 s; files under 1 s)`,
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--bench-child');
if (at >= 0) await child(process.argv[at + 1] ?? '', process.argv[at + 2] ?? '');
