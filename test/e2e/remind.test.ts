/**
 * `npm run cli -- remind [--now ISO] [--dry-run]` as real processes, on a database prepared by the console (and, for
 * the work group binding that needs a group chat, by the core on the same file).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleInbound } from '../../src/app/handle.js';
import { createRuntime } from '../../src/node-runtime.js';
import { fixedClock } from '../../src/domain/clock.js';
import { renderText, type Reply } from '../../src/domain/reply.js';
import { runCli } from '../support/process.js';
import { ADMIN } from '../support/runtime.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-remind-'));
const db = path.join(dir, 'county.sqlite');
const env = { DATABASE_PATH: db, ADMINS: 'feishu:ou_admin' };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function reminders(): { channel: string; targetType: string; target: string; text: string }[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    const rows = sqlite
      .prepare(
        "SELECT channel, target_type AS targetType, target, payload FROM outbox WHERE dedupe_key LIKE 'remind:%' ORDER BY id",
      )
      .all() as { channel: string; targetType: string; target: string; payload: string }[];
    return rows.map(({ payload, ...r }) => ({ ...r, text: renderText(JSON.parse(payload) as Reply) }));
  } finally {
    sqlite.close();
  }
}

function counts(): number[] {
  const sqlite = new Database(db, { readonly: true });
  try {
    return ['outbox', 'reminders', 'sweep_runs'].map(
      (t) => (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
    );
  } finally {
    sqlite.close();
  }
}

beforeAll(async () => {
  const script = [
    '/单位 新增 名称=兴国县教育局',
    '/人员 新增 @feishu:ou_li 姓名=李联络 单位=兴国县教育局 角色=联络员',
    '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-10-09 单位=兴国县教育局',
    '/更新 兴国教育 时间=2026-11-01 标题=兴国县召开秋冬季森林防火工作会议',
  ].join('\n');
  const r = await runCli(['console', '--as', 'feishu:ou_admin', '--now', '2026-11-02T10:00:00+08:00'], {
    input: script,
    env,
  });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('已登记「兴国教育」(A1) 2026-11-01 12:00 的更新');
  // The console has no group chats: bind the unit's Feishu work group through the core, as the webhook would.
  const rt = createRuntime({ databasePath: db, admins: [ADMIN], clock: fixedClock('2026-11-02T10:05:00+08:00') });
  try {
    const bound = await handleInbound(
      rt.services,
      rt.registry,
      {
        chat: { channel: 'feishu', id: 'oc_x', type: 'group' },
        sender: ADMIN,
        text: '/单位 绑定群 单位=兴国县教育局',
        mentions: [],
      },
      { replyVia: 'return' },
    );
    expect(bound.reply && renderText(bound.reply)).toContain('本群已设为「兴国县教育局」的工作群');
  } finally {
    rt.close();
  }
}, 60_000);

describe('npm run cli -- remind', () => {
  it('done when: last post 2026-11-01, remind --now 2026-11-20T09:00 tells the group 19 days (僵尸); running it again sends nothing new', async () => {
    const r = await runCli(['remind', '--now', '2026-11-20T09:00:00+08:00'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('reminders as of 2026-11-20 09:00 (2026-11-20 周五)');
    expect(r.stdout).toContain('queued 3 message(s)');
    expect(r.stdout).toContain('→ 「兴国县教育局」工作群（飞书） [feishu chat oc_x]');
    expect(r.stdout).toContain('→ 李联络（飞书） [feishu user ou_li]');
    expect(r.stdout).toMatch(/delivery: 0 sent, 0 to retry, 0 failed, \d+ waiting \(channel off: feishu\)/);

    const rows = reminders();
    expect(rows.map((x) => `${x.channel} ${x.targetType} ${x.target}`)).toEqual([
      'feishu chat oc_x',
      'feishu user ou_li',
      'feishu user ou_admin',
    ]);
    expect(rows[0]!.text).toContain('微信公众号「兴国教育」已 19 天未更新（最近一次 2026-11-01），属“僵尸”账号');
    expect(rows[0]!.text).toContain('/更新 兴国教育');
    expect(rows[2]!.text).toContain('每日提醒汇总');

    const again = await runCli(['remind', '--now', '2026-11-20T09:00:00+08:00'], { env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('queued 0 message(s)');
    expect(again.stdout).toContain('nothing new');
    expect(reminders()).toHaveLength(3);
  });

  it('two remind processes at once on the next working day queue each message once', async () => {
    const before = reminders().length;
    const [a, b] = await Promise.all([
      runCli(['remind', '--now', '2026-11-23T09:00:00+08:00'], { env }),
      runCli(['remind', '--now', '2026-11-23T09:00:00+08:00'], { env }),
    ]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const added = reminders().slice(before);
    expect(added.map((x) => x.target).sort()).toEqual(['oc_x', 'ou_admin', 'ou_li']);
    expect(added.find((x) => x.target === 'oc_x')!.text).toContain('已 22 天未更新');
  });

  it('--dry-run prints what would be sent and changes nothing; a bad --now is refused', async () => {
    const before = counts();
    const r = await runCli(['remind', '--now', '2026-11-24T09:00:00+08:00', '--dry-run'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('would queue 3 message(s)');
    expect(r.stdout).toContain('已 23 天未更新');
    expect(r.stdout).toContain('dry run: nothing recorded, queued or sent');
    expect(counts()).toEqual(before);

    const bad = await runCli(['remind', '--now', 'tomorrow'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--now must be an ISO 8601 time');
    const unknown = await runCli(['remind', '--later'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('usage: npm run cli -- remind');
  });
});
