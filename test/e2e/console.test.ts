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
    expect(r.stdout).toMatch(/逾期：今天 2026-11-22 已晚于期限 2026-10-10/);
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
