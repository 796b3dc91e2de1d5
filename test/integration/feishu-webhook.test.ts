/**
 * The Feishu webhook routes through `app.request(...)` on a real SQLite file: requests encrypted and signed as Feishu
 * does (test/support/feishu/sign.ts, from Feishu's documentation), the reply queued in the same write and delivered
 * by the delivery loop. The spawned-process suites (test/e2e/feishu*.test.ts) cover the real entry and Open API.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderText } from '../../src/domain/reply.js';
import { makeApp, type TestApp } from '../support/app.js';
import {
  cardAction,
  messageReceive,
  TEST_APP_ID,
  TEST_VERIFICATION_TOKEN,
  urlVerification,
} from '../support/feishu/events.js';
import { feishuRequest } from '../support/feishu/sign.js';

const ENCRYPT_KEY = 'test-encrypt-key-webhook';
const ADMIN = 'ou_admin_webhook';

let t: TestApp;
beforeEach(() => {
  t = makeApp({
    env: {
      FEISHU_APP_ID: TEST_APP_ID,
      FEISHU_APP_SECRET: 'secret',
      FEISHU_ENCRYPT_KEY: ENCRYPT_KEY,
      FEISHU_VERIFICATION_TOKEN: TEST_VERIFICATION_TOKEN,
      FEISHU_BASE_URL: 'http://127.0.0.1:9',
    },
    admins: [{ channel: 'feishu', externalId: ADMIN }],
  });
});
afterEach(() => t.close());

async function post(path: string, body: object, opts: { encryptKey?: string } = {}): Promise<Response> {
  const r = feishuRequest(body, {
    encryptKey: opts.encryptKey ?? ENCRYPT_KEY,
    timestamp: String(Math.floor(t.rt.services.clock.now().getTime() / 1000)),
  });
  return t.app.request(path, { method: 'POST', body: r.body, headers: r.headers });
}

const count = (table: string): number =>
  (t.rt.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('Feishu webhooks through app.request', () => {
  it('answers the url_verification challenge', async () => {
    const res = await post('/feishu/events', urlVerification(TEST_VERIFICATION_TOKEN, 'ch-1'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'ch-1' });
  });

  it('a signed /单位 新增 from an admin is committed, and its reply queued and delivered once; a retry has no effect', async () => {
    const event = messageReceive({
      chatId: 'oc_p2p_admin',
      chatType: 'p2p',
      senderOpenId: ADMIN,
      text: '/单位 新增 名称=兴国县教育局',
      verificationToken: TEST_VERIFICATION_TOKEN,
    });
    const first = await post('/feishu/events', event);
    expect(first.status).toBe(200);
    const again = await post('/feishu/events', event);
    expect(again.status).toBe(200);
    expect(count('units')).toBe(1);
    await t.deliver();
    const sent = t.messengers.feishu?.sent ?? [];
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ channel: 'feishu', targetType: 'reply' });
    expect(renderText(sent[0]!.payload)).toContain('兴国县教育局');
  });

  it('a request signed with another key gets 4xx and changes nothing', async () => {
    const event = messageReceive({
      chatId: 'oc_p2p_admin',
      chatType: 'p2p',
      senderOpenId: ADMIN,
      text: '/单位 新增 名称=伪造局',
      verificationToken: TEST_VERIFICATION_TOKEN,
    });
    const res = await post('/feishu/events', event, { encryptKey: 'not-the-key' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(count('units')).toBe(0);
    expect(count('outbox')).toBe(0);
    expect(count('inbound_events')).toBe(0);
  });

  it('refused card clicks (not allowed, a stale card, a forged or unknown action) leave no event rows and change nothing', async () => {
    // the admin is registered by a first command; that command's event is the one row expected
    const first = messageReceive({
      chatId: 'oc_p2p_admin',
      chatType: 'p2p',
      senderOpenId: ADMIN,
      text: '/单位 新增 名称=兴国县教育局',
      verificationToken: TEST_VERIFICATION_TOKEN,
    });
    expect((await post('/feishu/events', first)).status).toBe(200);
    expect(count('inbound_events')).toBe(1);
    const before = { outbox: count('outbox'), audit: count('audit_log'), people: count('people') };
    const click = (operator: string, value: object) =>
      post(
        '/feishu/cards',
        cardAction({
          operatorOpenId: operator,
          openMessageId: 'om_card_1',
          openChatId: 'oc_group_1',
          value,
          token: 'c-card-token',
          verificationToken: TEST_VERIFICATION_TOKEN,
        }),
      );
    const toasts: string[] = [];
    for (const [who, value] of [
      ['ou_stranger', { action: 'filing.confirm', filing: 1 }], // not registered
      [ADMIN, { action: 'filing.confirm', filing: 'F999' }], // a filing that does not exist (a stale or forged card)
      [ADMIN, { action: 'filing.confirm', filing: 'not-an-id' }], // a payload no card of ours carries
      [ADMIN, { action: 'no.such.action' }],
    ] as const) {
      const r = await click(who, value);
      expect(r.status).toBe(200);
      toasts.push(((await r.json()) as { toast: { type: string } }).toast.type);
    }
    expect(toasts.every((t) => t === 'error' || t === 'warning')).toBe(true);
    expect(count('inbound_events')).toBe(1);
    expect({ outbox: count('outbox'), audit: count('audit_log'), people: count('people') }).toEqual(before);
  });
});
