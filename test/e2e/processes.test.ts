/** Killing `npm start`'s PID stops the server: no orphaned node process keeps the port or the database. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, killGroup, ROOT } from '../support/process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-proc-'));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const c of started) if (c.exitCode === null) killGroup(c, 'SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Processes whose environment names this database (ours only: the path is unique to the test). */
function processesUsing(db: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`DATABASE_PATH=${db}`)) out.push(Number(pid));
    } catch {
      /* gone, or not ours */
    }
  }
  return out;
}

async function until(cond: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe('processes', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to npm start's PID stops the server and leaves no orphan`, async () => {
      const port = await freePort();
      const db = path.join(dir, `${signal}.sqlite`);
      const npm = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          SCHEDULER: 'off',
          LOG_LEVEL: 'warn',
          DATABASE_PATH: db,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      started.push(npm);
      const up = await until(async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
        } catch {
          return false;
        }
      }, 90_000);
      expect(up).toBe(true);
      expect(processesUsing(db).length).toBeGreaterThan(0);
      process.kill(npm.pid!, signal); // the PID a user sees, not the group
      const gone = await until(() => processesUsing(db).length === 0, 20_000);
      expect(gone, `left running: ${processesUsing(db).join(', ')}`).toBe(true);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    }, 150_000);
  }
});
