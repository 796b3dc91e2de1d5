/**
 * Attacks and faults against the real server process and a fake Feishu Open API on 127.0.0.1: each test sends what an
 * attacker or a bad network would, built from Feishu's published algorithm (test/support/feishu), and checks that it
 * has no effect beyond a clear refusal.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageReceive, randomEventId } from '../support/feishu/events.js';
import { encryptPayload, feishuRequest, feishuSignature } from '../support/feishu/sign.js';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';

const ENCRYPT_KEY = 'hardening-encrypt-key-0001';
const BOT = 'ou_bot_hard';
const ADMIN = 'ou_admin_hard';
const GROUP = 'oc_group_hard';
const STRANGER = 'ou_stranger_hard';

let world: FeishuWorld;

beforeAll(async () => {
  world = await startFeishuWorld({
    name: 'hardening',
    admin: ADMIN,
    bot: BOT,
    group: GROUP,
    encryptKey: ENCRYPT_KEY,
    appSecret: 'sec_hardening',
  });
  await world.fake.waitFor((r) => r.path === '/open-apis/bot/v3/info', 10_000);
});
afterAll(() => world?.close());

describe('mention injection', () => {
  it('an unregistered member cannot make the bot @ everyone by echoing <at user_id="all">', async () => {
    const reply = await world.chat.say(STRANGER, '/帮助 “<at user_id="all">所有人</at>”');
    expect(reply).not.toMatch(/<\s*at/i);
    const again = await world.chat.say(STRANGER, '/<at user_id="all">所有人</at>');
    expect(again).not.toMatch(/<\s*at/i);
  });

  it('a 90 KB command gets a short reply that Feishu accepts', async () => {
    const reply = await world.chat.say(ADMIN, `/${'备'.repeat(30_000)}`);
    expect(Buffer.byteLength(reply)).toBeLessThan(2_000);
  });
});

describe('verifier totality', () => {
  it('300 deeply nested bodies with X-Lark headers get 4xx, no 500, and no stack trace in the log', async () => {
    const deep = `{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const statuses = new Set<number>();
    for (let i = 0; i < 30; i++) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, () =>
          fetch(`${world.server.url}/feishu/events`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'X-Lark-Request-Timestamp': String(Math.floor(Date.now() / 1000)),
              'X-Lark-Request-Nonce': 'n',
              'X-Lark-Signature': 'a'.repeat(64),
            },
            body: deep,
          }),
        ),
      );
      for (const r of batch) statuses.add(r.status);
    }
    expect([...statuses].every((s) => s >= 400 && s < 500)).toBe(true);
    const logs = world.server.logs();
    expect(logs).not.toMatch(/"level":50/);
    expect(logs).not.toMatch(/\\n\s+at /);
  });

  it('a correctly signed body with whitespace and \\/ escapes is handled', async () => {
    const ev = messageReceive({
      eventId: randomEventId(),
      chatId: 'oc_p2p_ws',
      chatType: 'p2p',
      messageId: 'om_hard_ws',
      senderOpenId: ADMIN,
      text: '/帮助',
    });
    const enc = encryptPayload(JSON.stringify(ev), ENCRYPT_KEY).replace(/\//g, '\\/');
    const raw = `{ "encrypt" :\n "${enc}" }`;
    const ts = String(Math.floor(Date.now() / 1000));
    const r = await fetch(`${world.server.url}/feishu/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'X-Lark-Request-Timestamp': ts,
        'X-Lark-Request-Nonce': 'ws',
        'X-Lark-Signature': feishuSignature(ts, 'ws', ENCRYPT_KEY, raw),
      },
      body: raw,
    });
    expect(r.status).toBe(200);
    await world.fake.waitFor(
      (x) => x.path === '/open-apis/im/v1/messages/om_hard_ws/reply' && x.status === 200,
      15_000,
    );
  });
});

describe('a database locked by another process', () => {
  it('a command that cannot commit is answered 503 (Feishu retries), /healthz stays fast, and the retry after the lock is released is handled once', async () => {
    const lock = new Database(world.dbFile);
    lock.pragma('busy_timeout = 0');
    const ev = messageReceive({
      eventId: randomEventId(),
      chatId: GROUP,
      chatType: 'group',
      messageId: 'om_hard_locked',
      senderOpenId: ADMIN,
      text: '/单位 新增 名称=锁表测试局',
      botOpenId: BOT,
    });
    const req = feishuRequest(ev, { encryptKey: ENCRYPT_KEY });
    const send = () =>
      fetch(`${world.server.url}/feishu/events`, { method: 'POST', headers: req.headers, body: req.body });
    try {
      lock.exec('BEGIN IMMEDIATE'); // hold the write lock, as a CLI writer would
      const started = Date.now();
      const pending = send();
      // while the command waits for the lock, the event loop is free
      await new Promise((r) => setTimeout(r, 100));
      const h0 = Date.now();
      const health = await fetch(`${world.server.url}/healthz`);
      expect(health.status).toBe(200);
      expect(Date.now() - h0).toBeLessThan(300);
      const r = await pending;
      expect(r.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3_000); // inside Feishu's 3 s, so its retry logic applies
      expect(lock.prepare('select count(*) as n from units where name = ?').get('锁表测试局')).toEqual({ n: 0 });
    } finally {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
    }
    // Feishu's retry of the same signed request
    expect((await send()).status).toBe(200);
    await world.fake.waitFor(
      (x) => x.path === '/open-apis/im/v1/messages/om_hard_locked/reply' && x.status === 200,
      15_000,
    );
    expect((await send()).status).toBe(200); // a further retry is a duplicate
    await new Promise((r) => setTimeout(r, 1_500));
    expect(
      world.fake.requests.filter(
        (x) => x.path === '/open-apis/im/v1/messages/om_hard_locked/reply' && x.status === 200,
      ),
    ).toHaveLength(1);
    expect(world.server.logs()).not.toMatch(/"level":50[^\n]*database busy/);
  });
});
