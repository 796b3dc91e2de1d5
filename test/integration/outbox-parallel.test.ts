/**
 * Delivery under a stalled platform: sends run in parallel across chats, in order within a chat, a message waiting
 * for a retry holds back the later ones of its chat, and a channel whose sends keep failing is paused by its circuit
 * breaker instead of burning every message's attempts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/jobs/circuit.js';
import { deliverDue, retryDelay } from '../../src/jobs/outbox.js';
import { DeliveryError, type Messenger } from '../../src/ports/messenger.js';
import type { OutboxRow } from '../../src/ports/store.js';
import { textReply } from '../../src/domain/reply.js';
import { makeBot, type TestBot } from '../support/runtime.js';

let bot: TestBot;
let now: Date;
beforeEach(() => {
  bot = makeBot({ now: '2026-11-20T09:00:00+08:00' });
  now = new Date('2026-11-20T01:00:00Z');
});
afterEach(() => bot.close());
const clock = () => ({ now: () => now });

async function enqueue(target: string, text: string) {
  const store = bot.rt.services.store;
  await store.commit(
    store.outbox.enqueue(
      { channel: 'feishu', targetType: 'chat', target, payload: textReply(text), dedupeKey: `${target}:${text}` },
      now,
    ),
  );
}
const textOf = (row: OutboxRow): string => (row.payload.blocks[0] as { text: string }).text;
const deps = (m: Messenger) => ({
  store: bot.rt.services.store,
  clock: clock(),
  log: bot.rt.services.log,
  messengers: { feishu: m },
});

describe('parallel delivery', () => {
  it('a hanging chat does not hold up the others, and each chat gets its messages in order', async () => {
    for (let i = 0; i < 5; i++) for (const chat of ['oc_a', 'oc_b', 'oc_c']) await enqueue(chat, `${chat}-${i}`);
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const m: Messenger = {
      async send(row) {
        if (textOf(row) === 'oc_a-0') await gate; // the platform hangs on this one
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        sent.push(textOf(row));
        return { platformMessageId: `om_${row.id}` };
      },
    };
    const done = deliverDue(deps(m), { concurrency: 4 });
    const end = Date.now() + 5_000;
    while (sent.length < 10 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    // b and c are through while a still hangs
    expect(sent.filter((t) => t.startsWith('oc_b'))).toEqual(['oc_b-0', 'oc_b-1', 'oc_b-2', 'oc_b-3', 'oc_b-4']);
    expect(sent.filter((t) => t.startsWith('oc_c'))).toHaveLength(5);
    expect(sent.filter((t) => t.startsWith('oc_a'))).toEqual([]);
    release();
    expect(await done).toMatchObject({ sent: 15 });
    expect(sent.filter((t) => t.startsWith('oc_a'))).toEqual(['oc_a-0', 'oc_a-1', 'oc_a-2', 'oc_a-3', 'oc_a-4']);
  });

  it('hanging sends give their places up after a second: with every place taken by a hang, the other chats still go out', async () => {
    for (const chat of ['oc_h1', 'oc_h2', 'oc_x', 'oc_y', 'oc_z']) await enqueue(chat, `${chat}-0`);
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const m: Messenger = {
      async send(row) {
        if (textOf(row).startsWith('oc_h')) await gate; // two chats hang, as many as the concurrency
        sent.push(textOf(row));
        return { platformMessageId: `om_${row.id}` };
      },
    };
    const done = deliverDue(deps(m), { concurrency: 2 });
    const end = Date.now() + 5_000;
    while (sent.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect([...sent].sort()).toEqual(['oc_x-0', 'oc_y-0', 'oc_z-0']);
    release();
    expect(await done).toMatchObject({ sent: 5 });
  });

  it('a message waiting for a retry holds back the later messages of its chat, not of other chats', async () => {
    await enqueue('oc_a', 'a-0');
    await enqueue('oc_a', 'a-1');
    await enqueue('oc_b', 'b-0');
    const sent: string[] = [];
    let failOnce = true;
    const m: Messenger = {
      async send(row) {
        if (textOf(row) === 'a-0' && failOnce) {
          failOnce = false;
          throw new DeliveryError('HTTP 500', 'retry');
        }
        sent.push(textOf(row));
        return { platformMessageId: `om_${row.id}` };
      },
    };
    const d = deps(m);
    expect(await deliverDue(d)).toMatchObject({ retried: 1, sent: 1 });
    expect(sent).toEqual(['b-0']);
    now = new Date(now.getTime() + retryDelay(1));
    expect(await deliverDue(d)).toMatchObject({ sent: 2 });
    expect(sent).toEqual(['b-0', 'a-0', 'a-1']);
  });

  it('the circuit breaker pauses a failing channel: few attempts are spent while the platform is down', async () => {
    for (let i = 0; i < 40; i++) await enqueue(`oc_${i}`, `m${i}`);
    let calls = 0;
    const m: Messenger = {
      async send() {
        calls++;
        throw new DeliveryError('HTTP 503', 'retry');
      },
    };
    const report = await deliverDue(deps(m), { concurrency: 1 });
    expect(calls).toBe(5); // opened after 5 consecutive failures
    expect(report.retried).toBe(5);
    expect((await bot.rt.services.store.outbox.stats()).pending).toBe(40);
  });

  it('breaker: opens after the threshold, lets one probe through after the pause, closes on success', () => {
    let t = 0;
    const b = new CircuitBreaker({ threshold: 3, openMs: 1_000, now: () => t });
    for (let i = 0; i < 3; i++) {
      expect(b.allow()).toBe(true);
      b.failure();
    }
    expect(b.state()).toBe('open');
    expect(b.allow()).toBe(false);
    t = 1_000;
    expect(b.allow()).toBe(true); // the probe
    expect(b.allow()).toBe(false); // only one
    b.failure();
    expect(b.state()).toBe('open');
    t = 2_500;
    expect(b.allow()).toBe(false); // the pause doubled to 2 s
    t = 3_000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state()).toBe('closed');
  });
});
