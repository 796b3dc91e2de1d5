/** The command line as a new user meets it: times without an offset, usage instead of stack traces, bad settings. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../support/process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-cli-errors-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const T = 180_000;

/** `npm start`'s entry, run until it exits (it must exit on a bad setting). */
function startEntry(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['src/node.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SCHEDULER: 'off', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`npm start did not exit\n${stderr}`));
    }, 90_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('the command line', () => {
  it(
    '--now without an offset is read as Asia/Shanghai and says so',
    async () => {
      const r = await runCli(['console', '--now', '2026-11-20T09:00'], {
        input: '/节假日 查询 今天\n',
        env: { DATABASE_PATH: path.join(dir, 'now.sqlite') },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('按北京时间（+08:00）理解：2026-11-20 09:00');
      expect(r.stdout).toContain('2026-11-20（周五）');
    },
    T,
  );

  it(
    'console --help and an unknown option give usage text, never a stack trace',
    async () => {
      const env = { DATABASE_PATH: path.join(dir, 'help.sqlite') };
      const help = await runCli(['console', '--help'], { env });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('usage: npm run cli -- console');
      const bad = await runCli(['console', '--bogus'], { env });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('usage: npm run cli -- console');
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    },
    T,
  );

  it(
    'backup refuses to write onto the live database, and says when there is no database',
    async () => {
      const db = path.join(dir, 'live.sqlite');
      await runCli(['migrate'], { env: { DATABASE_PATH: db } });
      const onto = await runCli(['backup', db], { env: { DATABASE_PATH: db } });
      expect(onto.code).toBe(2);
      expect(onto.stderr).toContain('is the live database');
      const none = await runCli(['backup', path.join(dir, 'copy.sqlite')], {
        env: { DATABASE_PATH: path.join(dir, 'nothing.sqlite') },
      });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('there is no database at DATABASE_PATH');
      // a target that cannot be written (here a folder): one line, exit 1, no stack trace
      const folder = path.join(dir, 'a-folder');
      fs.mkdirSync(folder, { recursive: true });
      const bad = await runCli(['backup', folder], { env: { DATABASE_PATH: db } });
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim().split('\n')).toEqual([`backup failed: ${folder}: EISDIR`]);
    },
    T,
  );

  it(
    'a bad DATABASE_PATH (a file where a folder should be, /proc/…) exits 2 with one line naming the variable, for the CLI and npm start',
    async () => {
      const file = path.join(dir, 'plain-file');
      fs.writeFileSync(file, 'x');
      const cli = await runCli(['console'], { input: '/我\n', env: { DATABASE_PATH: path.join(file, 'db.sqlite') } });
      expect(cli.code).toBe(2);
      expect(cli.stderr.trim().split('\n')).toHaveLength(1);
      expect(cli.stderr).toContain('DATABASE_PATH=');
      const proc = await runCli(['migrate'], { env: { DATABASE_PATH: '/proc/govmedia.sqlite' } });
      expect(proc.code).toBe(2);
      expect(proc.stderr).toContain('DATABASE_PATH=/proc/govmedia.sqlite');
      const start = await startEntry({ DATABASE_PATH: path.join(file, 'db.sqlite') });
      expect(start.code).toBe(2);
      expect(start.stderr.trim().split('\n')).toHaveLength(1);
      expect(start.stderr).toContain('DATABASE_PATH=');
    },
    T,
  );

  it(
    'a half-configured channel (FEISHU_APP_ID without its secret) is an error at start, not a quiet "off"',
    async () => {
      const r = await startEntry({
        DATABASE_PATH: path.join(dir, 'half.sqlite'),
        FEISHU_APP_ID: 'cli_x',
        FEISHU_APP_SECRET: '',
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('FEISHU_APP_ID is set but FEISHU_APP_SECRET is missing');
    },
    T,
  );

  it(
    'the remind summary is in Chinese',
    async () => {
      const r = await runCli(['remind', '--now', '2026-11-20T09:00:00+08:00', '--dry-run'], {
        env: { DATABASE_PATH: path.join(dir, 'remind.sqlite') },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('提醒（截至 2026-11-20 09:00');
      expect(r.stdout).toContain('试运行：未记录、未排队、未发送');
      expect(r.stdout).not.toMatch(/found \d|dry run/);
    },
    T,
  );
});
