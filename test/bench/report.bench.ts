import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { picked, REGISTERS, runChild, type Series as ChildSeries, series } from './child.js';

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

/** The sweep bench's first two registers (the same generator), picked with BENCH_REPORT_SIZES=1,2. */
const SIZES = picked(REGISTERS.slice(0, 2), 'BENCH_REPORT_SIZES');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

type Series = ChildSeries<Measure>;

export default async function bench(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-bench-'));
  const out: string[] = [
    `report 2026Q4 as of ${NOW.toISOString()} (the quarter running: 2026-10-01 to 2026-11-23); ${RUNS} runs of each measurement, each in a fresh process; files measured after one warm-up render (module code, the font subset, as in a running server)`,
  ];
  try {
    // imported here, not at the top: the sweep bench runs its own child mode when loaded with --bench-child
    const { build } = await import('./sweep.bench.js');
    for (const [n, size] of SIZES.entries()) {
      const file = path.join(dir, `register-${size.accounts}.sqlite`);
      const built = build(file, size);
      // the sweep's register has no filings: file the opening of most accounts (1 in 37 stays unfiled), some late
      const db = new Database(file);
      db.exec(`INSERT INTO filings (id, account_id, unit_id, kind, event_date, due_date, filed_at, late, status)
        SELECT id, id, unit_id, 'open', opened_on, opened_on, created_at, (id % 11 = 0), 'confirmed' FROM accounts WHERE id % 37 <> 0`);
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const scan: Measure[] = [];
      const compute: Measure[] = [];
      const files: Measure[] = [];
      const unit: Measure[] = [];
      for (let k = 0; k < RUNS; k++) {
        scan.push(measure('scan', file));
        compute.push(measure('compute', file));
        // the files do not depend on the register's size beyond the rows of the .xlsx: measured on the first only
        if (n === 0) {
          files.push(measure('files', file));
          unit.push(measure('files-unit', file));
        }
      }
      const base = series(scan);
      const fmt = (name: string, m: Series, aim = ''): string =>
        `  ${name.padEnd(34)} min ${m.min.toFixed(0).padStart(5)} ms  median ${m.median.toFixed(0).padStart(5)} ms  = ${(m.median / base.median).toFixed(1).padStart(5)}× posts scan   peak RSS ${m.rss.toFixed(0).padStart(4)} MB   ${m.runs[0]!.detail}${aim ? `   (aim ${aim})` : ''}`;
      out.push(
        `register: ${size.accounts.toLocaleString('en')} accounts, ${size.units.toLocaleString('en')} units, ${size.posts.toLocaleString('en')} posts; ${built.sizeMb.toFixed(0)} MB file, built in ${(built.ms / 1000).toFixed(1)} s`,
        fmt('baseline: full scan of posts', base),
        fmt('2026Q4 figures (SQL + scoring)', series(compute), '< 2 s'),
      );
      if (n === 0) {
        out.push(
          fmt('files, whole register', series(files), '< 1 s'),
          fmt("files, one unit's page", series(unit), '< 1 s'),
        );
      }
      for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--bench-child');
if (at >= 0) await child(process.argv[at + 1] ?? '', process.argv[at + 2] ?? '');
