import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverDue, MAX_ATTEMPTS, retryDelay } from '../../src/jobs/outbox.js';
import { DeliveryError, type Messenger } from '../../src/ports/messenger.js';
import type { OutboxRow } from '../../src/ports/store.js';
import { textReply } from '../../src/domain/reply.js';
import { ADMIN, makeBot, type TestBot } from '../support/runtime.js';

let bot: TestBot;
let now: Date;
beforeEach(() => {
  bot = makeBot({ now: '2026-11-20T09:00:00+08:00' });
  now = new Date('2026-11-20T01:00:00Z');
});
afterEach(() => bot.close());

const clock = () => ({ now: () => now });
const advance = (ms: number) => (now = new Date(now.getTime() + ms));

/** A messenger that records what it was asked to send and fails as told. */
function recorder(plan: (Error | null)[] = []) {
  const calls: { row: OutboxRow; key: string; original: OutboxRow | null }[] = [];
  let n = 0;
  const m: Messenger = {
    async send(row, opts) {
      calls.push({ row, key: opts.idempotencyKey, original: opts.original });
      const e = plan[n++];
      if (e) throw e;
      return { platformMessageId: `om_${row.id}` };
    },
  };
  return { m, calls };
}

async function enqueue(key: string | null, extra: Partial<OutboxRow> = {}) {
  const store = bot.rt.services.store;
  await store.commit(
    store.outbox.enqueue(
      { channel: 'feishu', targetType: 'chat', target: 'oc_1', payload: textReply('hi'), dedupeKey: key, ...extra },
      now,
    ),
  );
}

describe('outbox delivery', () => {
  it('retries with back-off on retryable errors, with the same idempotency key, and sends once', async () => {
    const { m, calls } = recorder([new DeliveryError('HTTP 500', 'retry'), new Error('ECONNRESET')]);
    await enqueue('k1');
    const deps = { store: bot.rt.services.store, clock: clock(), log: bot.rt.services.log, messengers: { feishu: m } };
    expect(await deliverDue(deps)).toMatchObject({ retried: 1 });
    expect(await deliverDue(deps)).toMatchObject({ sent: 0, retried: 0 }); // not due yet
    advance(retryDelay(1));
    expect(await deliverDue(deps)).toMatchObject({ retried: 1 });
    advance(retryDelay(2));
    expect(await deliverDue(deps)).toMatchObject({ sent: 1 });
    expect(new Set(calls.map((c) => c.key)).size).toBe(1);
    expect((await bot.rt.services.store.outbox.byKey('k1'))?.status).toBe('sent');
  });

  it('an enqueue with a key used before queues nothing', async () => {
    await enqueue('same');
    await enqueue('same');
    expect((await bot.rt.services.store.outbox.stats()).pending).toBe(1);
  });

  it('a message that keeps failing is kept as failed, shown by /提醒 失败, and re-queued by /提醒 重试', async () => {
    const { m } = recorder(Array.from({ length: MAX_ATTEMPTS }, () => new DeliveryError('HTTP 503', 'retry')));
    await enqueue('doomed');
    const deps = { store: bot.rt.services.store, clock: clock(), log: bot.rt.services.log, messengers: { feishu: m } };
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await deliverDue(deps);
      advance(31 * 60_000);
    }
    expect((await bot.rt.services.store.outbox.byKey('doomed'))?.status).toBe('failed');
    const view = await bot.say(ADMIN, '/提醒 失败');
    expect(view).toContain('发送失败 1 条');
    expect(view).toContain('HTTP 503');
    expect(await bot.say(ADMIN, '/提醒 重试 全部')).toContain('已重新排队 1 条');
    expect((await bot.rt.services.store.outbox.byKey('doomed'))?.status).toBe('pending');
    expect(await bot.say('feishu:ou_x', '/提醒 失败')).toContain('还没有登记');
  });

  it('a permanent error fails at once', async () => {
    const { m } = recorder([new DeliveryError('HTTP 400 code 230001', 'permanent')]);
    await enqueue('bad');
    await deliverDue({
      store: bot.rt.services.store,
      clock: clock(),
      log: bot.rt.services.log,
      messengers: { feishu: m },
    });
    expect(await bot.rt.services.store.outbox.byKey('bad')).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('messages for a channel that is off stay pending', async () => {
    await enqueue('later');
    expect(
      await deliverDue({ store: bot.rt.services.store, clock: clock(), log: bot.rt.services.log, messengers: {} }),
    ).toMatchObject({ skipped: 1 });
    expect((await bot.rt.services.store.outbox.byKey('later'))?.status).toBe('pending');
  });

  it('a card update waits for the card it updates, then patches that message', async () => {
    await enqueue('update-1', { targetType: 'update', updateOf: 'card-1' });
    const { m, calls } = recorder();
    const deps = { store: bot.rt.services.store, clock: clock(), log: bot.rt.services.log, messengers: { feishu: m } };
    await deliverDue(deps);
    expect(calls).toHaveLength(0);
    await enqueue('card-1');
    advance(5_000);
    await deliverDue(deps);
    advance(5_000);
    await deliverDue(deps);
    expect(calls.map((c) => c.row.dedupeKey)).toEqual(['card-1', 'update-1']);
    const update = calls.find((c) => c.row.targetType === 'update');
    expect(update?.original?.platformMessageId).toMatch(/^om_/);
  });

  it('two deliverers at once send each message once (rows are claimed with a lease)', async () => {
    for (let i = 0; i < 20; i++) await enqueue(`c${i}`);
    const { m, calls } = recorder();
    const deps = { store: bot.rt.services.store, clock: clock(), log: bot.rt.services.log, messengers: { feishu: m } };
    await Promise.all([deliverDue(deps), deliverDue(deps)]);
    expect(calls).toHaveLength(20);
    expect(new Set(calls.map((c) => c.row.id)).size).toBe(20);
  });
});
