/**
 * Retention on a real SQLite file: what the bot sent keeps its contents (the admins' lists carry full phone numbers)
 * for 消息保留天数, then only its record; a message that could not be sent stays resendable in /提醒 失败 for
 * 失败消息保留天数; the records and the audit log go after 日志保留天数 (《网络安全法》第二十一条: at least six
 * months); files the bot sent go with their message's contents unless a message still waiting carries them. The
 * settings are an admin's, with their limits. The same statements run on D1 (test/worker/d1-store.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue } from '../../src/jobs/outbox.js';
import { cutoffsAt, runRetention } from '../../src/jobs/retention.js';
import { silentLogger } from '../../src/ports/logger.js';
import { DeliveryError, type Messenger, type SendResult } from '../../src/ports/messenger.js';
import type { OutboxRow } from '../../src/ports/store.js';
import { flattenWrites } from '../../storage/write.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const DAY = 86_400_000;
const T0 = '2026-11-23T10:00:00+08:00';
const at = (days: number) => new Date(new Date(T0).getTime() + days * DAY);
const FEISHU_CHAT = {
  channel: 'feishu' as const,
  id: 'oc_admin_p2p',
  type: 'p2p' as const,
};

/** Sends everything except what mentions 失败 (refused for good). */
class Platform implements Messenger {
  readonly sent: number[] = [];
  async send(row: OutboxRow): Promise<SendResult> {
    if (JSON.stringify(row.payload).includes('会失败的通知'))
      throw new DeliveryError('HTTP 400 code 230001', 'permanent');
    this.sent.push(row.id);
    return { platformMessageId: `om_${row.id}` };
  }
}

let bot: TestBot;
beforeEach(() => {
  bot = makeBot({ now: T0 });
});
afterEach(() => bot.close());

const rows = <T>(sql: string, ...params: unknown[]): T[] => bot.rt.db.sqlite.prepare(sql).all(...params) as T[];
const count = (sql: string, ...params: unknown[]): number =>
  (bot.rt.db.sqlite.prepare(sql).get(...params) as { n: number }).n;

async function retainAt(days: number): Promise<void> {
  bot.setNow(at(days).toISOString());
  await runRetention(bot.rt.services, at(days));
}

describe('retention', () => {
  it('a sent list loses its phone numbers after 消息保留天数, keeps its record until 日志保留天数; a failed message stays resendable until 失败消息保留天数', async () => {
    await seedCounty(bot);
    const { store } = bot.rt.services;
    // the admin's list of people, over Feishu: queued with the full phone number, then sent
    const list = await bot.send(ADMIN, '/人员 列表', FEISHU_CHAT, {
      eventId: 'ev_list',
      messageId: 'om_cmd_list',
    });
    expect(list.reply).not.toBeNull();
    // a notice the platform refuses (kept as failed)
    await store.commit(
      store.outbox.enqueue(
        {
          channel: 'feishu',
          targetType: 'user',
          target: 'ou_gone',
          payload: {
            blocks: [{ type: 'text', text: '会失败的通知 13812345678' }],
          },
          dedupeKey: 'notice:fails',
        },
        at(0),
      ),
    );
    const platform = new Platform();
    await deliverDue({
      store,
      clock: bot.rt.services.clock,
      log: silentLogger,
      messengers: { feishu: platform },
    });
    const listRow = rows<{ id: number; payload: string; status: string }>(
      "SELECT id, payload, status FROM outbox WHERE dedupe_key = 'reply:feishu:ev_list'",
    )[0]!;
    expect(listRow.status).toBe('sent');
    expect(listRow.payload).toContain('13812345678');
    expect((await store.outbox.failed(10)).map((r) => r.dedupeKey)).toEqual(['notice:fails']);
    const auditBefore = count('SELECT count(*) AS n FROM audit_log');
    expect(auditBefore).toBeGreaterThan(0);

    // before 30 days nothing changes
    await retainAt(29);
    expect(count("SELECT count(*) AS n FROM outbox WHERE payload LIKE '%13812345678%'")).toBe(2);

    // after 30 days: the sent list keeps its record, not its contents
    await retainAt(31);
    const archived = rows<Record<string, unknown>>('SELECT * FROM outbox WHERE id = ?', listRow.id)[0]!;
    expect(archived).toMatchObject({
      status: 'archived',
      payload: '{"blocks":[]}',
      channel: 'feishu',
      target_type: 'reply',
      platform_message_id: `om_${listRow.id}`,
      dedupe_key: 'reply:feishu:ev_list',
    });
    expect(archived.sent_at).not.toBeNull();
    // the failed notice keeps its contents and can still be resent
    expect((await store.outbox.failed(10)).map((r) => r.dedupeKey)).toEqual(['notice:fails']);
    expect(await bot.say(ADMIN, '/提醒 失败')).toContain('会失败的通知');

    // after 90 days since its last attempt the failed notice is given up: contents gone, no longer resendable
    await retainAt(91);
    expect(count("SELECT count(*) AS n FROM outbox WHERE payload LIKE '%13812345678%'")).toBe(0);
    expect(rows("SELECT status, payload FROM outbox WHERE dedupe_key = 'notice:fails'")).toEqual([
      { status: 'expired', payload: '{"blocks":[]}' },
    ]);
    expect((await store.outbox.stats()).failed).toBe(0);
    expect(count('SELECT count(*) AS n FROM audit_log')).toBe(auditBefore);

    // after 365 days the records and the audit entries of that time go; newer ones stay
    await bot.say(ADMIN, '/单位 新增 名称=兴国县文化局'); // an audit entry on day 91
    await retainAt(366);
    expect(count('SELECT count(*) AS n FROM outbox WHERE id = ?', listRow.id)).toBe(0);
    expect(count("SELECT count(*) AS n FROM outbox WHERE dedupe_key = 'notice:fails'")).toBe(0);
    expect(rows('SELECT action FROM audit_log')).toEqual([{ action: 'unit.add' }]);
  });

  it('a file the bot sent goes with its message, unless a message still waiting carries it', async () => {
    const { store } = bot.rt.services;
    const file = (id: number) =>
      store.files.put(
        {
          id,
          name: `台账${id}.xlsx`,
          mime: 'application/octet-stream',
          bytes: new Uint8Array([1, 2, 3]),
          createdBy: null,
        },
        at(0),
      );
    const carrying = (fileId: number, key: string, channel: 'feishu' | 'wecom') =>
      store.outbox.enqueue(
        {
          channel,
          targetType: 'user',
          target: 'ou_a',
          payload: {
            blocks: [
              { type: 'text', text: '导出' },
              { type: 'file', fileId, name: `台账${fileId}.xlsx` },
            ],
          },
          dedupeKey: key,
        },
        at(0),
      );
    // file 1 sent once; file 2 sent to one and still waiting for another (a channel that is not delivering)
    await store.commit([
      file(1),
      file(2),
      carrying(1, 'f1', 'feishu'),
      carrying(2, 'f2', 'feishu'),
      carrying(2, 'f2w', 'wecom'),
    ]);
    await deliverDue({
      store,
      clock: bot.rt.services.clock,
      log: silentLogger,
      messengers: { feishu: new Platform() },
    });
    expect(rows('SELECT dedupe_key AS k, status FROM outbox ORDER BY id')).toEqual([
      { k: 'f1', status: 'sent' },
      { k: 'f2', status: 'sent' },
      { k: 'f2w', status: 'pending' },
    ]);
    await retainAt(31);
    expect(rows('SELECT id FROM files ORDER BY id')).toEqual([{ id: 2 }]);
    expect(count("SELECT count(*) AS n FROM outbox WHERE status = 'archived'")).toBe(2);
  });

  it('a backlog is worked off in bounded rounds: every statement binds at most 5 values', async () => {
    const { store } = bot.rt.services;
    const many = Array.from({ length: 2_500 }, (_, i) =>
      store.outbox.enqueue(
        {
          channel: 'feishu',
          targetType: 'chat',
          target: 'oc_x',
          payload: { blocks: [{ type: 'text', text: `第${i}条` }] },
        },
        at(0),
      ),
    );
    await store.commit(many);
    bot.rt.db.sqlite.exec(`UPDATE outbox SET status = 'sent', sent_at = next_attempt_at`);
    for (const w of flattenWrites(store.retention.prune(await cutoffsAt(store, at(31)), 1_000)))
      expect(w.statement.params.length).toBeLessThanOrEqual(5);
    const r = await runRetention(bot.rt.services, at(31), {
      limit: 1_000,
      maxRounds: 2,
    });
    expect(r).toEqual({ rounds: 2, done: false });
    expect(count("SELECT count(*) AS n FROM outbox WHERE status = 'archived'")).toBe(2_000);
    expect(await runRetention(bot.rt.services, at(31), { limit: 1_000 })).toEqual({ rounds: 1, done: true });
    expect(count("SELECT count(*) AS n FROM outbox WHERE status = 'sent'")).toBe(0);
  });

  it('the periods are settings an admin changes, within limits, and the sweep records follow 提醒记录保留天数', async () => {
    const shown = await bot.say(ADMIN, '/设置');
    for (const s of [
      '消息保留天数＝30 天（默认）',
      '失败消息保留天数＝90 天（默认）',
      '日志保留天数＝365 天（默认）',
      '提醒记录保留天数＝60 天（默认）',
    ])
      expect(shown).toContain(s);
    expect(await bot.say(ADMIN, '/设置 日志保留天数=30')).toContain('日志保留天数不能小于 180');
    expect(await bot.say(ADMIN, '/设置 失败消息保留天数=10')).toContain(
      '失败消息保留天数（10）不能小于消息保留天数（30）',
    );
    expect(await bot.say(ADMIN, '/设置 消息保留天数=7 提醒记录保留天数=20')).toContain('消息保留天数：30 天 → 7 天');

    const { store } = bot.rt.services;
    await store.commit(
      store.outbox.enqueue(
        {
          channel: 'feishu',
          targetType: 'chat',
          target: 'oc_x',
          payload: { blocks: [{ type: 'text', text: '名单' }] },
        },
        at(0),
      ),
    );
    await deliverDue({
      store,
      clock: bot.rt.services.clock,
      log: silentLogger,
      messengers: { feishu: new Platform() },
    });
    const runs = ['2026-10-01', '2026-11-01', '2026-11-20'];
    for (const d of runs)
      bot.rt.db.sqlite
        .prepare("INSERT INTO sweep_runs (run_date, as_of, ran_at, trigger) VALUES (?, 0, 0, 'schedule')")
        .run(d);
    await retainAt(8);
    expect(count("SELECT count(*) AS n FROM outbox WHERE status = 'archived'")).toBe(1);
    // 20 days before 2026-12-01: 2026-11-11
    expect(rows('SELECT run_date FROM sweep_runs ORDER BY run_date')).toEqual([{ run_date: '2026-11-20' }]);
  });
});
