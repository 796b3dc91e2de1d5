/**
 * A bench measurement in a fresh process: runs `script --bench-child mode file` with tsx and reads the JSON line it
 * prints last (so one measurement's memory and JIT never leak into the next).
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
