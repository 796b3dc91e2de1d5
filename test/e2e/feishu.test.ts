/**
 * The Feishu channel end to end: the real server process (`src/node.ts`, what `npm start` runs) against a fake Feishu
 * Open API on 127.0.0.1, with requests encrypted and signed the way Feishu documents it (test/support/feishu, written
 * from the documentation, not from the server's code).
 */
import http from 'node:http';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardAction,
  messageReceive,
  randomEventId,
  TEST_APP_ID,
  TEST_VERIFICATION_TOKEN,
  urlVerification,
} from '../support/feishu/events.js';
import { type CardResponse, sentText } from '../support/feishu/chat.js';
import type { FakeFeishu } from '../support/feishu/fake-api.js';
import { decryptPayload, feishuRequest } from '../support/feishu/sign.js';
import type { ServerProcess } from '../support/process.js';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';

const ENCRYPT_KEY = 'kz8W3pQe7RtY1uIo5pAs9dFg';
const APP_SECRET = 'sec_9f8e7d6c5b4a3f2e1d0c';
const BOT = 'ou_bot_0000';
const ADMIN = 'ou_admin_e2e';
const GROUP = 'oc_group_jyj';

let world: FeishuWorld;
let fake: FakeFeishu;
let dbFile: string;
/** the current server process (a test kills and restarts it) */
const server = (): ServerProcess => world.server;

async function post(
  pathname: string,
  body: object,
  opts: { encrypt?: boolean; sign?: boolean; forge?: boolean; raw?: string; timestamp?: string } = {},
): Promise<Response> {
  const req = feishuRequest(body, {
    encryptKey: ENCRYPT_KEY,
    encrypt: opts.encrypt,
    sign: opts.sign,
    timestamp: opts.timestamp,
  });
  const headers = { ...req.headers };
  if (opts.forge) headers['X-Lark-Signature'] = 'f'.repeat(64);
  return fetch(`${server().url}${pathname}`, { method: 'POST', headers, body: opts.raw ?? req.body });
}

/** POST with node:http: the server answers 413 before reading an oversized body, then closes; fetch would hide the answer. */
function rawStatus(pathname: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server().url}${pathname}`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (e) => setTimeout(() => reject(e), 200));
    req.end(body);
  });
}

const cardJson = async (r: Promise<Response>): Promise<CardResponse> => (await (await r).json()) as CardResponse;

let seq = 0;
function say(
  text: string,
  o: {
    from?: string;
    chat?: string;
    chatType?: 'group' | 'p2p';
    eventId?: string;
    mentions?: { key: string; openId: string; name: string }[];
  } = {},
) {
  const chatType = o.chatType ?? 'group';
  return messageReceive({
    eventId: o.eventId ?? randomEventId(),
    chatId: o.chat ?? (chatType === 'group' ? GROUP : `oc_p2p_${o.from ?? ADMIN}`),
    chatType,
    messageId: `om_test_${++seq}`,
    senderOpenId: o.from ?? ADMIN,
    text,
    mentions: o.mentions,
    botOpenId: chatType === 'group' ? BOT : undefined,
  });
}

/** Post a message event and wait for the bot's reply to it at the fake API; returns the reply's text. */
async function ask(text: string, o: Parameters<typeof say>[1] = {}): Promise<string> {
  const ev = say(text, o);
  const r = await post('/feishu/events', ev);
  expect(r.status).toBe(200);
  const messageId = ev.event.message.message_id;
  const req = await fake.waitFor(
    (x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply` && x.status === 200,
    15_000,
  );
  return sentText(req);
}

function db(): Database.Database {
  return new Database(dbFile, { readonly: true });
}
function query<T>(sql: string, ...params: unknown[]): T[] {
  const d = db();
  try {
    return d.prepare(sql).all(...params) as T[];
  } finally {
    d.close();
  }
}

async function until<T>(f: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  world = await startFeishuWorld({
    name: 'feishu',
    admin: ADMIN,
    bot: BOT,
    group: GROUP,
    encryptKey: ENCRYPT_KEY,
    appSecret: APP_SECRET,
  });
  ({ fake, dbFile } = world);
  await fake.waitFor((r) => r.path === '/open-apis/bot/v3/info', 10_000);
});

afterAll(() => world?.close());

describe('Feishu webhook: verification', () => {
  it('answers the url_verification challenge, encrypted and plain, only with our verification token', async () => {
    const enc = await post('/feishu/events', urlVerification(TEST_VERIFICATION_TOKEN, 'ch-123'), { sign: false });
    expect(await enc.json()).toEqual({ challenge: 'ch-123' });
    const plain = await post('/feishu/events', urlVerification(TEST_VERIFICATION_TOKEN, 'ch-456'), {
      encrypt: false,
      sign: false,
    });
    expect(await plain.json()).toEqual({ challenge: 'ch-456' });
    const cards = await post('/feishu/cards', urlVerification(TEST_VERIFICATION_TOKEN, 'ch-789'), { sign: false });
    expect(await cards.json()).toEqual({ challenge: 'ch-789' });
    expect((await post('/feishu/events', urlVerification('wrong-token', 'x'), { sign: false })).status).toBe(403);
  });

  it('refuses a forged signature, an unsigned event, malformed JSON, an oversized body and a stale timestamp with a 4xx and no effect', async () => {
    const before = fake.requests.length;
    const forged = say('/单位 新增 名称=伪造单位');
    expect((await post('/feishu/events', forged, { forge: true })).status).toBe(401);
    expect((await post('/feishu/events', say('/单位 新增 名称=未签名单位'), { sign: false })).status).toBe(401);
    // a body other than the one signed fails the signature check before it is parsed
    expect([400, 401]).toContain((await post('/feishu/events', {}, { raw: '{"encrypt": "not json' })).status);
    expect([400, 401]).toContain((await post('/feishu/events', {}, { raw: '[1,2,3]' })).status);
    expect([400, 401]).toContain(
      (await post('/feishu/events', {}, { raw: JSON.stringify({ encrypt: 'bm90IGFlcw==' }) })).status,
    );
    const big = JSON.stringify({ encrypt: 'A'.repeat(600 * 1024) });
    expect(await rawStatus('/feishu/events', big)).toBe(413);
    const stale = String(Math.floor(Date.now() / 1000) - 9 * 86_400);
    expect((await post('/feishu/events', say('/单位 新增 名称=过期单位'), { timestamp: stale })).status).toBe(401);
    expect(
      (
        await post(
          '/feishu/cards',
          cardAction({
            operatorOpenId: ADMIN,
            openMessageId: 'om_x',
            openChatId: GROUP,
            value: { action: 'filing.confirm', filing: 1 },
            token: 't',
          }),
          { forge: true },
        )
      ).status,
    ).toBe(401);
    await new Promise((r) => setTimeout(r, 500));
    expect(query('select name from units where name like ?', '%单位')).toEqual([]);
    expect(fake.requests.slice(before).filter((r) => r.path.startsWith('/open-apis/im'))).toEqual([]);
  });

  it('an unknown event type gets an empty 200 and changes nothing', async () => {
    const ev = {
      schema: '2.0',
      header: {
        event_id: randomEventId(),
        event_type: 'contact.user.updated_v3',
        create_time: String(Date.now()),
        token: TEST_VERIFICATION_TOKEN,
        app_id: TEST_APP_ID,
        tenant_key: 't',
      },
      event: {},
    };
    const r = await post('/feishu/events', ev);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({});
  });
});

describe('Feishu webhook: commands', () => {
  it('a group message with mentions: the admin binds the group, registers a unit and a liaison by @mention; the reply is a reply to the command message with a uuid', async () => {
    expect(await ask('/单位 新增 名称=兴国县教育局')).toContain('已新增单位「兴国县教育局」');
    expect(await ask('/单位 绑定群 单位=兴国县教育局')).toContain('本群已设为「兴国县教育局」的工作群');
    const reply = await ask('/人员 新增 @_user_1 单位=兴国县教育局 角色=联络员 电话=13812345678', {
      mentions: [{ key: '@_user_1', openId: 'ou_li', name: '李联络' }],
    });
    expect(reply).toContain('已登记「李联络」');
    const people = query<{ name: string; external_id: string }>(
      'select p.name, i.external_id from people p join identities i on i.person_id = p.id where i.external_id = ?',
      'ou_li',
    );
    expect(people).toEqual([{ name: '李联络', external_id: 'ou_li' }]);
    const replies = fake.requests.filter((r) => r.path.endsWith('/reply') && r.status === 200);
    expect(
      replies.every(
        (r) => typeof (r.body as { uuid?: string }).uuid === 'string' && (r.body as { uuid: string }).uuid.length <= 50,
      ),
    ).toBe(true);
    expect(replies.every((r) => r.headers.authorization === `Bearer ${fake.tenantToken}`)).toBe(true);
  });

  it('the liaison files an account from the group: the filing result comes back as a card with F<n> and the due date', async () => {
    const card = await ask('/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-28', { from: 'ou_li' });
    expect(card).toContain('"schema":"2.0"');
    expect(card).toContain('已备案 F1');
    expect(card).toContain('2026-10-10');
  });

  it('a direct message gets a direct reply; the register comes back as a card with a table and a refresh button', async () => {
    const text = await ask('/帮助', { from: 'ou_li', chatType: 'p2p' });
    expect(text).toContain('/备案 开设');
    const register = await ask('/账号', { from: 'ou_li', chatType: 'p2p' });
    expect(register).toContain('"tag":"table"');
    expect(register).toContain('兴国教育');
    expect(register).toContain('register.refresh');
  });

  it('the bot mention is dropped wherever it stands; chatter without a command gets no reply in a group', async () => {
    const ev = messageReceive({
      eventId: randomEventId(),
      chatId: GROUP,
      chatType: 'group',
      messageId: 'om_tail_mention',
      senderOpenId: ADMIN,
      text: '/我 @_user_1',
      mentions: [{ key: '@_user_1', openId: BOT, name: '政务新媒体助手' }],
    });
    expect((await post('/feishu/events', ev)).status).toBe(200);
    const req = await fake.waitFor((x) => x.path === '/open-apis/im/v1/messages/om_tail_mention/reply', 10_000);
    expect(sentText(req)).toContain('管理员');
    const chatter = say('大家下午好');
    await post('/feishu/events', chatter);
    await new Promise((r) => setTimeout(r, 800));
    expect(fake.requests.some((x) => x.path.includes(chatter.event.message.message_id))).toBe(false);
  });

  it('the same event delivered three times has one effect and one reply', async () => {
    const ev = say('/单位 新增 名称=兴国县卫生健康委员会', { eventId: 'ev_retry_1' });
    for (let i = 0; i < 3; i++) expect((await post('/feishu/events', ev)).status).toBe(200);
    const messageId = ev.event.message.message_id;
    await fake.waitFor((x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply`, 10_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(query('select id from units where name = ?', '兴国县卫生健康委员会')).toHaveLength(1);
    expect(fake.sent().filter((s) => s.kind === 'reply' && s.replyTo === messageId)).toHaveLength(1);
  });

  it('the API failing with 500 twice, then succeeding: the reply is delivered exactly once', async () => {
    fake.failNext(2, 500);
    const ev = say('/单位 列表');
    await post('/feishu/events', ev);
    const messageId = ev.event.message.message_id;
    await fake.waitFor((x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply` && x.status === 200, 20_000);
    const attempts = fake.requests.filter((x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply`);
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(new Set(attempts.map((a) => (a.body as { uuid: string }).uuid)).size).toBe(1);
    expect(fake.sent().filter((s) => s.replyTo === messageId)).toHaveLength(1);
  });
});

describe('Feishu rate limits', () => {
  it("a 429 rate limit is retried after the platform's reset time and the reply is delivered once", async () => {
    fake.rateLimitNext(1);
    const ev = say('/我');
    await post('/feishu/events', ev);
    const messageId = ev.event.message.message_id;
    await fake.waitFor((x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply` && x.status === 200, 20_000);
    const attempts = fake.requests.filter((x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply`);
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(fake.sent().filter((s) => s.replyTo === messageId)).toHaveLength(1);
  });
});

describe('Feishu card callbacks', () => {
  it("filing.confirm: the admin is sent a card with a button; only an admin's click counts, whatever the payload says; a second click changes nothing", async () => {
    await ask('/备案 开设 平台=抖音 名称=2026兴国教育文化节', { from: 'ou_li' });
    const filing = query<{ id: number; status: string }>(
      "select id, status from filings where status = 'pending_confirmation'",
    )[0]!;
    const dm = await fake.waitFor(
      (x) =>
        x.path === '/open-apis/im/v1/messages' &&
        x.query.receive_id_type === 'open_id' &&
        (x.body as { receive_id: string }).receive_id === ADMIN &&
        sentText(x).includes('filing.confirm'),
      15_000,
    );
    expect(sentText(dm)).toContain(`备案待确认 F${filing.id}`);

    const click = (operator: string, eventId = randomEventId()) =>
      post(
        '/feishu/cards',
        cardAction({
          eventId,
          operatorOpenId: operator,
          openMessageId: 'om_card_1',
          openChatId: `oc_p2p_${ADMIN}`,
          value: { action: 'filing.confirm', filing: filing.id, operator: ADMIN },
          token: 'c-token',
        }),
      );
    const forged = await cardJson(click('ou_li'));
    expect(forged.toast.type).toBe('warning');
    expect(forged.card).toBeUndefined();
    expect(query<{ status: string }>('select status from filings where id = ?', filing.id)[0]!.status).toBe(
      'pending_confirmation',
    );

    const ok = await cardJson(click(ADMIN, 'ev_click_1'));
    expect(ok.toast).toMatchObject({ type: 'success' });
    expect(ok.card?.type).toBe('raw');
    expect(JSON.stringify(ok.card?.data)).toContain('备案已确认');
    expect(JSON.stringify(ok.card?.data)).not.toContain('filing.confirm');
    expect(query<{ status: string }>('select status from filings where id = ?', filing.id)[0]!.status).toBe(
      'confirmed',
    );

    const again = await cardJson(click(ADMIN, 'ev_click_1'));
    expect(again.toast.content).toContain('已处理');
    const second = await cardJson(click(ADMIN));
    expect(second.toast.content).toContain('不需要确认');
    const audits = query<{ n: number }>("select count(*) n from audit_log where action = 'filing.confirm'")[0]!;
    expect(audits.n).toBe(1);
  });

  it('register.refresh re-runs the register as whoever clicked', async () => {
    const r = await cardJson(
      post(
        '/feishu/cards',
        cardAction({
          operatorOpenId: 'ou_li',
          openMessageId: 'om_reg',
          openChatId: GROUP,
          value: { action: 'register.refresh' },
          token: 't',
        }),
      ),
    );
    expect(r.toast.content).toContain('已刷新');
    expect(JSON.stringify(r.card?.data)).toContain('兴国教育');
  });
});

describe('Feishu delivery survives a restart', () => {
  it('messages queued while the API is down are delivered after the server is killed and restarted', async () => {
    fake.failNext(1_000, 503);
    const ev = say('/单位 新增 名称=兴国县应急管理局');
    await post('/feishu/events', ev);
    const messageId = ev.event.message.message_id;
    await fake.waitFor((x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply` && x.status === 503, 10_000);
    expect(await server().stop('SIGKILL')).toBeNull();
    const pending = query<{ status: string }>(
      "select status from outbox where target_type = 'reply' and reply_to = ?",
      messageId,
    );
    expect(pending).toEqual([{ status: 'pending' }]);
    fake.reset();
    await world.restart();
    // The killed server may have held the row's lease (20 s) mid-send: the new one sends it once the lease is over.
    const req = await fake.waitFor(
      (x) => x.path === `/open-apis/im/v1/messages/${messageId}/reply` && x.status === 200,
      90_000,
    );
    expect(sentText(req)).toContain('已新增单位「兴国县应急管理局」');
    await until(
      () => query<{ status: string }>('select status from outbox where reply_to = ?', messageId)[0]?.status === 'sent',
    );
  }, 150_000);

  it('secrets never reach the logs', () => {
    const logs = server().logs();
    expect(logs).not.toContain(APP_SECRET);
    expect(logs).not.toContain(ENCRYPT_KEY);
    expect(logs).not.toContain(fake.tenantToken);
  });
});

describe('the test harness itself', () => {
  it('decrypts what it encrypts (sanity)', () => {
    const req = feishuRequest({ a: 1 }, { encryptKey: ENCRYPT_KEY });
    expect(JSON.parse(decryptPayload((JSON.parse(req.body) as { encrypt: string }).encrypt, ENCRYPT_KEY))).toEqual({
      a: 1,
    });
  });
});
