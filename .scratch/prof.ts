import fs from 'node:fs';
import { createRuntime } from '../src/node-runtime.js';
import { runSweep } from '../src/jobs/sweep.js';
fs.copyFileSync('/tmp/perfx/r100.sqlite', '/tmp/perfx/c.sqlite');
for (const f of ['/tmp/perfx/c.sqlite-wal', '/tmp/perfx/c.sqlite-shm']) fs.rmSync(f, { force: true });
const rt = createRuntime({ databasePath: '/tmp/perfx/c.sqlite', admins: [] });
const times = new Map<string, number>();
const sweep = rt.sweep as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const k of Object.keys(sweep)) {
  const f = sweep[k]!;
  sweep[k] = (...a: unknown[]) => { const t0 = performance.now(); const r = f(...a); const add = () => times.set(k, (times.get(k) ?? 0) + performance.now() - t0); if (r instanceof Promise) return r.finally(add); add(); return r; };
}
const store = rt.services.store as unknown as { commit: (w: unknown) => Promise<void> };
const c = store.commit.bind(store);
store.commit = async (w) => { const t0 = performance.now(); await c(w); times.set('commit', (times.get('commit') ?? 0) + performance.now() - t0); };
const t0 = performance.now();
const r = await runSweep(rt, { now: new Date(process.argv[2] ?? '2026-11-23T09:00:00+08:00'), trigger: 'test', retain: false, dryRun: process.argv[3] === 'dry' });
console.log('total', (performance.now() - t0).toFixed(0), r.totals);
console.log([...times].map(([k, v]) => `${k} ${v.toFixed(0)}`).join('\n'));
