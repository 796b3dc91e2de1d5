import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startServer } from '../support/process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the console (npm run cli -- console) scripts the chat commands', () => {
  it('an admin adds a unit and people, files an account across National Day, is warned on a second 公众号, lists the register and is corrected on 平台=火星台', async () => {
    const db = path.join(dir, 'console.sqlite');
    const script = [
      '# 管理员：建单位、加人员',
      '/单位 新增 名称=兴国县教育局',
      '/人员 新增 @feishu:ou_li 姓名=李联络 单位=兴国县教育局 角色=联络员 电话=13812345678',
      '/人员 新增 @feishu:ou_wang 姓名=王信息 单位=兴国县教育局 角色=信息员',
      '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-28 单位=兴国县教育局',
      '/备案 开设 平台=公众号 名称=兴国教育服务 单位=兴国县教育局',
      '/账号',
      '/备案 开设 平台=火星台 名称=兴国教育 单位=兴国县教育局',
    ].join('\n');
    const r = await runCli(['console', '--as', 'feishu:ou_admin', '--now', '2026-11-22T10:00:00+08:00'], {
      input: script,
      env: { DATABASE_PATH: db, ADMINS: 'feishu:ou_admin' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('已新增单位「兴国县教育局」');
    expect(r.stdout).toContain('已登记「李联络」');
    expect(r.stdout).toContain('已备案 F1');
    expect(r.stdout).toContain('备案期限：2026-10-10');
    expect(r.stdout).toMatch(/逾期 \d+ 个工作日：今天 2026-11-22 已晚于期限/);
    expect(r.stdout).toContain('神木 第八条');
    expect(r.stdout).toMatch(/A1 \| 微信公众号 \| 兴国教育/);
    expect(r.stdout).toContain('没有「火星台」这个平台');

    // the same file, as the liaison: a second session sees the register
    const again = await runCli(['console', '--as', 'feishu:ou_li', '--now', '2026-11-22T10:00:00+08:00'], {
      input: '/账号\n/我\n',
      env: { DATABASE_PATH: db },
    });
    expect(again.stdout).toContain('兴国教育');
    expect(again.stdout).toContain('138****5678');
  });

  it('migrate and backup work on a database a running server is using', async () => {
    const db = path.join(dir, 'live.sqlite');
    const m = await runCli(['migrate'], { env: { DATABASE_PATH: db } });
    expect(m.code, m.stderr).toBe(0);
    const server = await startServer({ DATABASE_PATH: db });
    try {
      const b = await runCli(['backup', path.join(dir, 'copy.sqlite')], { env: { DATABASE_PATH: db } });
      expect(b.code, b.stderr).toBe(0);
      expect(fs.statSync(path.join(dir, 'copy.sqlite')).size).toBeGreaterThan(0);
      // the copy holds the register's phone numbers: the owner's only, whatever the umask
      expect(fs.statSync(path.join(dir, 'copy.sqlite')).mode & 0o777).toBe(0o600);
      expect(fs.statSync(db).mode & 0o777).toBe(0o600);
    } finally {
      await server.stop();
    }
  });

  it('a bad --as or --now is refused with the expected form', async () => {
    const r = await runCli(['console', '--as', 'qq:123'], { env: { DATABASE_PATH: path.join(dir, 'x.sqlite') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('feishu:<open_id>');
  });
});

describe('npm run cli -- holidays import FILE: the State Council notice from a file, previewed, then applied with --yes', () => {
  it('the published 2026 notice previews as matching the package data; --yes applies it; a missing file or bad usage exits 2', async () => {
    const db = path.join(dir, 'holidays.sqlite');
    const file = path.join(dir, 'notice-2027.txt');
    fs.writeFileSync(
      file,
      '国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）放假，共1天。\n二、春节：2月6日（周六）至14日（周日）放假调休，共9天。2月20日（周六）上班。\n',
    );
    const env = { DATABASE_PATH: db, ADMINS: 'feishu:ou_admin' };
    const p = await runCli(['holidays', 'import', 'test/fixtures/holidays/2026.txt'], { env });
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('2026 年节假日安排预览');
    expect(p.stdout).toContain('与现有日历（chinese-days 数据）一致');
    expect(p.stdout).toContain('--yes');

    const y = await runCli(['holidays', 'import', file, '--yes'], { env });
    expect(y.code, y.stderr).toBe(0);
    expect(y.stdout).toContain('已导入 2027 年节假日安排：10 天放假、1 天调休上班');
    const q = await runCli(['console'], { input: '/节假日 查询 2027-02-08\n', env });
    expect(q.stdout).toContain('休息日，春节（已导入的节假日安排通知）');

    const missing = await runCli(['holidays', 'import', path.join(dir, 'nope.txt')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('无法读取');
    const usage = await runCli(['holidays'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('holidays import FILE [--yes]');
  }, 120_000);
});
