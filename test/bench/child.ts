/**
 * What the benches share: a measurement in a fresh process (`runChild` runs `script --bench-child mode file` with tsx
 * and reads the JSON line it prints last, so one measurement's memory and JIT never leak into the next), the summary
 * of several runs, and the generated registers they measure on.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export function runChild<M>(script: string, mode: string, file: string): M {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const r = spawnSync(tsx, [script, '--bench-child', mode, file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`bench child ${mode} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(line) as M;
}

/** One measurement of a child: its wall time and peak memory, and its CPU time where it reports one. */
export interface ChildMeasure {
  ms: number;
  peakRssMb: number;
  cpuMs?: number;
}

export const median = (xs: number[]): number => {
  const v = [...xs].sort((x, y) => x - y);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};

/** Several runs of one measurement: the minimum and median time, the median CPU time, the largest peak memory. */
export interface Series<M extends ChildMeasure> {
  runs: M[];
  min: number;
  median: number;
  cpu: number;
  rss: number;
}

export const series = <M extends ChildMeasure>(runs: M[]): Series<M> => ({
  runs,
  min: Math.min(...runs.map((r) => r.ms)),
  median: median(runs.map((r) => r.ms)),
  cpu: median(runs.map((r) => r.cpuMs ?? Number.NaN)),
  rss: Math.max(...runs.map((r) => r.peakRssMb)),
});

/** The items an environment variable picks by their 1-based positions (`1,2`); all when it is unset. */
export const picked = <T>(items: readonly T[], variable: string): T[] =>
  items.filter((_, n) => !process.env[variable] || process.env[variable].split(',').includes(String(n + 1)));

export interface Size {
  accounts: number;
  units: number;
  posts: number;
}
/** The generated registers; the third is the first's accounts with the second's posts (the cost should follow the accounts). */
export const REGISTERS: readonly Size[] = [
  { accounts: 100_000, units: 5_000, posts: 2_000_000 },
  { accounts: 250_000, units: 12_500, posts: 5_000_000 },
  { accounts: 100_000, units: 5_000, posts: 5_000_000 },
];
