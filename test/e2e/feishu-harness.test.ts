/**
 * Proves the Feishu test harness (test/support/feishu) matches the platform as the official SDK,
 * @larksuiteoapi/node-sdk, understands it: the SDK's EventDispatcher accepts our encrypted, signed events and rejects
 * forged ones, and the SDK's Client talks to our fake Open API unchanged (domain with a port included).
 *
 * Several tests pin SDK behaviour the server relies on or must work around; they are marked "SDK behaviour".
 */
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import * as lark from '@larksuiteoapi/node-sdk';
import {
  decryptBody,
  decryptPayload,
  encryptPayload,
  feishuRequest,
  lowerCaseHeaders,
  verifyFeishuSignature,
  HEADER_SIGNATURE,
  HEADER_TIMESTAMP,
} from '../support/feishu/sign.js';
import type { FeishuRequest } from '../support/feishu/sign.js';
import { cardAction, messageReceive, urlVerification, TEST_VERIFICATION_TOKEN } from '../support/feishu/events.js';
import { startFakeFeishu, RATE_LIMIT_CODE } from '../support/feishu/fake-api.js';
import type { FakeFeishu } from '../support/feishu/fake-api.js';

const ENCRYPT_KEY = 'test_encrypt_key_0123456789';
const APP_ID = 'cli_harness_test';
const APP_SECRET = 'harness_app_secret_value';

interface CapturedLog {
  level: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  args: unknown[];
}

/** A logger for the SDK that records instead of printing (the SDK's default logger writes to the console). */
function capturingLogger(): { logger: lark.Logger; logs: CapturedLog[]; text: () => string } {
  const logs: CapturedLog[] = [];
  const at =
    (level: CapturedLog['level']) =>
    (...args: unknown[]): void => {
      logs.push({ level, args });
    };
  const text = (): string =>
    logs
      .map((l) => JSON.stringify(l.args, (_k, v: unknown) => (v instanceof Error ? { ...v, message: v.message } : v)))
      .join('\n');
  return {
    logger: { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace') },
    logs,
    text,
  };
}

/**
 * What a server does with an incoming request before handing it to EventDispatcher.invoke: parse the raw body and
 * attach the lower-cased headers as a *non-enumerable* (prototype) property, exactly like the SDK's own adapters
 * (`Object.assign(Object.create({ headers: req.headers }), body)`), because the SDK re-serialises the object with
 * JSON.stringify to recompute the signature.
 */
function asInvokeData(req: FeishuRequest): Record<string, unknown> {
  const parsed = JSON.parse(req.body) as Record<string, unknown>;
  return Object.assign(Object.create({ headers: lowerCaseHeaders(req.headers) }) as Record<string, unknown>, parsed);
}

interface HttpErrorLike {
  isAxiosError?: boolean;
  response?: { status: number; data: unknown; headers?: Record<string, unknown> };
}

async function rejectionOf(p: Promise<unknown>): Promise<HttpErrorLike> {
  try {
    await p;
  } catch (e) {
    return e as HttpErrorLike;
  }
  throw new Error('expected the call to reject');
}

describe('sign.ts: Feishu encryption and signature', () => {
  it('produces ciphertext the SDK decrypts, and decrypts its own output', () => {
    const plaintext = JSON.stringify({ hello: '政务新媒体', n: 1 });
    const encrypted = encryptPayload(plaintext, ENCRYPT_KEY);
    expect(new lark.AESCipher(ENCRYPT_KEY).decrypt(encrypted)).toBe(plaintext);
    expect(decryptPayload(encrypted, ENCRYPT_KEY)).toBe(plaintext);
    // A random IV each time: same plaintext, different ciphertext, 16-byte IV prefix.
    expect(encryptPayload(plaintext, ENCRYPT_KEY)).not.toBe(encrypted);
    expect(Buffer.from(encrypted, 'base64').length % 16).toBe(0);
    expect(() => decryptPayload(encrypted, 'another key')).toThrow();
  });

  it('signs the exact raw body and checks it', () => {
    const req = feishuRequest({ a: 1 }, { encryptKey: ENCRYPT_KEY, timestamp: '1700000000', nonce: 'abc' });
    expect(req.headers[HEADER_TIMESTAMP]).toBe('1700000000');
    expect(req.headers[HEADER_SIGNATURE]).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyFeishuSignature(req.headers, req.body, ENCRYPT_KEY)).toBe(true);
    expect(verifyFeishuSignature(lowerCaseHeaders(req.headers), req.body, ENCRYPT_KEY)).toBe(true);
    expect(verifyFeishuSignature(req.headers, `${req.body} `, ENCRYPT_KEY)).toBe(false);
    expect(decryptBody(req.body, ENCRYPT_KEY)).toEqual({ a: 1 });

    const plain = feishuRequest({ a: 1 });
    expect(plain.body).toBe('{"a":1}');
    expect(plain.headers[HEADER_SIGNATURE]).toBeUndefined();
    expect(() => feishuRequest({ a: 1 }, { encrypt: true })).toThrow(/encryptKey/);
  });
});

describe('events.ts: payload shapes', () => {
  it('builds im.message.receive_v1 with a JSON-string content and documented mention items', () => {
    const ev = messageReceive({
      eventId: 'ev_1',
      chatId: 'oc_group',
      chatType: 'group',
      messageId: 'om_1',
      senderOpenId: 'ou_sender',
      text: '@_user_1 /备案 县融媒体中心 @_user_2',
      mentions: [
        { key: '@_user_1', openId: 'ou_bot', name: '政务新媒体助手' },
        { key: '@_user_2', openId: 'ou_other', name: '张三' },
      ],
    });
    expect(ev.schema).toBe('2.0');
    expect(ev.header).toMatchObject({
      event_id: 'ev_1',
      event_type: 'im.message.receive_v1',
      token: TEST_VERIFICATION_TOKEN,
    });
    expect(typeof ev.header.create_time).toBe('string');
    expect(JSON.parse(ev.event.message.content)).toEqual({ text: '@_user_1 /备案 县融媒体中心 @_user_2' });
    expect(ev.event.message.mentions?.[1]).toMatchObject({
      key: '@_user_2',
      id: { open_id: 'ou_other' },
      name: '张三',
    });
    expect(ev.event.sender).toMatchObject({ sender_id: { open_id: 'ou_sender' }, sender_type: 'user' });
  });

  it('adds the bot mention in front when botOpenId is given, renumbering the other keys', () => {
    const ev = messageReceive({
      chatId: 'oc_group',
      chatType: 'group',
      senderOpenId: 'ou_sender',
      text: '/转发 T3 给 @_user_1',
      mentions: [{ key: '@_user_1', openId: 'ou_x', name: '李四' }],
      botOpenId: 'ou_bot',
    });
    expect(JSON.parse(ev.event.message.content)).toEqual({ text: '@_user_1 /转发 T3 给 @_user_2' });
    expect(ev.event.message.mentions?.map((m) => [m.key, m.id.open_id])).toEqual([
      ['@_user_1', 'ou_bot'],
      ['@_user_2', 'ou_x'],
    ]);
  });
});

describe('EventDispatcher (SDK) accepts what the builders produce', () => {
  const receiveEvent = (): ReturnType<typeof messageReceive> =>
    messageReceive({
      eventId: 'ev_receive_1',
      chatId: 'oc_county_group',
      chatType: 'group',
      messageId: 'om_user_msg_1',
      senderOpenId: 'ou_editor',
      text: '@_user_1 /备案 县融媒体中心 微信公众号',
      mentions: [{ key: '@_user_1', openId: 'ou_bot', name: '政务新媒体助手' }],
    });

  function dispatcherWith(handles: Record<string, (data: unknown) => unknown>): {
    dispatcher: lark.EventDispatcher;
    logs: CapturedLog[];
  } {
    const { logger, logs } = capturingLogger();
    const dispatcher = new lark.EventDispatcher({
      encryptKey: ENCRYPT_KEY,
      verificationToken: TEST_VERIFICATION_TOKEN,
      logger,
      loggerLevel: lark.LoggerLevel.warn,
    }).register(handles);
    return { dispatcher, logs };
  }

  it('accepts an encrypted, signed im.message.receive_v1 and hands the handler the flattened event', async () => {
    const seen: unknown[] = [];
    const { dispatcher } = dispatcherWith({
      'im.message.receive_v1': (data) => {
        seen.push(data);
        return 'handled';
      },
    });
    const req = feishuRequest(receiveEvent(), { encryptKey: ENCRYPT_KEY });
    expect(Object.keys(JSON.parse(req.body) as object)).toEqual(['encrypt']);

    const result: unknown = await dispatcher.invoke(asInvokeData(req), { needCheck: true });

    expect(result).toBe('handled');
    expect(seen).toHaveLength(1);
    // The SDK merges schema, header and event into one object for the handler.
    expect(seen[0]).toMatchObject({
      schema: '2.0',
      event_id: 'ev_receive_1',
      event_type: 'im.message.receive_v1',
      token: TEST_VERIFICATION_TOKEN,
      sender: { sender_id: { open_id: 'ou_editor' }, sender_type: 'user' },
      message: {
        message_id: 'om_user_msg_1',
        chat_id: 'oc_county_group',
        chat_type: 'group',
        message_type: 'text',
        content: JSON.stringify({ text: '@_user_1 /备案 县融媒体中心 微信公众号' }),
        mentions: [{ key: '@_user_1', id: { open_id: 'ou_bot' }, name: '政务新媒体助手' }],
      },
    });
  });

  it('rejects a forged signature and a swapped body: invoke resolves undefined, no handler runs', async () => {
    let calls = 0;
    const { dispatcher, logs } = dispatcherWith({ 'im.message.receive_v1': () => ++calls });
    const good = feishuRequest(receiveEvent(), { encryptKey: ENCRYPT_KEY });

    const forged: FeishuRequest = {
      body: good.body,
      headers: { ...good.headers, [HEADER_SIGNATURE]: 'f'.repeat(64) },
    };
    expect(await dispatcher.invoke(asInvokeData(forged), { needCheck: true })).toBeUndefined();

    const otherBody = feishuRequest(receiveEvent(), { encryptKey: ENCRYPT_KEY }).body;
    const swapped: FeishuRequest = { body: otherBody, headers: good.headers };
    expect(await dispatcher.invoke(asInvokeData(swapped), { needCheck: true })).toBeUndefined();

    const wrongKey = feishuRequest(receiveEvent(), { encryptKey: 'not the app key' });
    expect(await dispatcher.invoke(asInvokeData(wrongKey), { needCheck: true })).toBeUndefined();

    expect(calls).toBe(0);
    expect(logs.filter((l) => JSON.stringify(l.args).includes('verification failed event'))).toHaveLength(3);
    // Sanity: the untouched request still passes.
    expect(await dispatcher.invoke(asInvokeData(good), { needCheck: true })).toBe(1);
  });

  it('SDK behaviour: headers must be lower-case and non-enumerable; a missing headers object throws', async () => {
    const { dispatcher } = dispatcherWith({ 'im.message.receive_v1': () => 'ok' });
    const req = feishuRequest(receiveEvent(), { encryptKey: ENCRYPT_KEY });
    const parsed = JSON.parse(req.body) as Record<string, unknown>;

    const upperCase = Object.assign(Object.create({ headers: req.headers }) as object, parsed);
    expect(await dispatcher.invoke(upperCase, { needCheck: true })).toBeUndefined();

    const ownProperty = { ...parsed, headers: lowerCaseHeaders(req.headers) }; // now part of JSON.stringify(data)
    expect(await dispatcher.invoke(ownProperty, { needCheck: true })).toBeUndefined();

    await expect(dispatcher.invoke(parsed, { needCheck: true })).rejects.toThrow(TypeError);
  });

  it('SDK behaviour: the timestamp is not checked, so an old signed request is still accepted', async () => {
    const { dispatcher } = dispatcherWith({ 'im.message.receive_v1': () => 'accepted' });
    const stale = feishuRequest(receiveEvent(), { encryptKey: ENCRYPT_KEY, timestamp: '1000000000' });
    expect(await dispatcher.invoke(asInvokeData(stale), { needCheck: true })).toBe('accepted');
  });

  it('SDK behaviour: url_verification is not answered by invoke; generateChallenge decrypts and extracts it', async () => {
    const { dispatcher } = dispatcherWith({});
    const challenge = 'ch_0f3a';
    const plain = feishuRequest(urlVerification(TEST_VERIFICATION_TOKEN, challenge), {
      encryptKey: ENCRYPT_KEY,
      encrypt: false,
    });
    const encrypted = feishuRequest(urlVerification(TEST_VERIFICATION_TOKEN, challenge), { encryptKey: ENCRYPT_KEY });

    // invoke finds no event type in the v1 shape and answers a string, not the challenge.
    expect(await dispatcher.invoke(asInvokeData(plain), { needCheck: true })).toBe('no undefined event handle');
    expect(await dispatcher.invoke(asInvokeData(encrypted), { needCheck: true })).toBe('no undefined event handle');

    for (const req of [plain, encrypted]) {
      expect(lark.generateChallenge(JSON.parse(req.body), { encryptKey: ENCRYPT_KEY })).toEqual({
        isChallenge: true,
        challenge: { challenge },
      });
    }
    expect(decryptBody(encrypted.body, ENCRYPT_KEY)).toEqual({
      challenge,
      token: TEST_VERIFICATION_TOKEN,
      type: 'url_verification',
    });
  });

  it('dispatches card.action.trigger as an event; the handler return value is the callback response', async () => {
    const seen: unknown[] = [];
    const response = {
      toast: { type: 'success', content: '已通过' },
      card: { type: 'raw', data: { schema: '2.0', body: { elements: [{ tag: 'markdown', content: '**已通过**' }] } } },
    };
    const { dispatcher } = dispatcherWith({
      'card.action.trigger': (data) => {
        seen.push(data);
        return response;
      },
    });
    const ev = cardAction({
      eventId: 'ev_card_1',
      operatorOpenId: 'ou_reviewer',
      openMessageId: 'om_card_1',
      openChatId: 'oc_county_group',
      value: { action: 'approve', review: 'R12' },
      formValue: { note: '同意发布' },
      name: 'approve_btn',
      token: 'c-card-update-token',
    });
    const req = feishuRequest(ev, { encryptKey: ENCRYPT_KEY });

    expect(await dispatcher.invoke(asInvokeData(req), { needCheck: true })).toEqual(response);
    expect(seen[0]).toMatchObject({
      event_type: 'card.action.trigger',
      event_id: 'ev_card_1',
      operator: { open_id: 'ou_reviewer' },
      action: {
        tag: 'button',
        name: 'approve_btn',
        value: { action: 'approve', review: 'R12' },
        form_value: { note: '同意发布' },
      },
      context: { open_message_id: 'om_card_1', open_chat_id: 'oc_county_group' },
      // SDK behaviour: event.token (card-update token) overwrites header.token (Verification Token) when flattened.
      token: 'c-card-update-token',
    });
  });
});

describe('Client (SDK) against the fake Open API', () => {
  let fake: FakeFeishu;
  let client: lark.Client;
  let captured: ReturnType<typeof capturingLogger>;

  const newClient = (): lark.Client =>
    new lark.Client({
      appId: APP_ID,
      appSecret: APP_SECRET,
      domain: fake.url,
      disableTokenCache: false, // the SDK fetches and caches the tenant token itself
      cache: new lark.DefaultCache(), // not the process-wide internalCache: no token bleeds between fakes
      logger: captured.logger,
      loggerLevel: lark.LoggerLevel.error,
    });

  beforeAll(async () => {
    fake = await startFakeFeishu({ appId: APP_ID, appSecret: APP_SECRET });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    captured = capturingLogger();
    client = newClient();
  });

  it('works with a domain that has a port (SDK < 1.73.3 failed with "request miss <port> path argument")', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // reply has a :message_id path parameter, the case the old fillApiPath broke on.
    const res = await client.im.message.reply({
      path: { message_id: 'om_user_msg_1' },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'pong' }) },
    });
    expect(res.code).toBe(0);
    expect(fake.requests.at(-1)?.path).toBe('/open-apis/im/v1/messages/om_user_msg_1/reply');
  });

  it('create: fetches the tenant token once, sends with the bearer token and the uuid', async () => {
    const res = await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: {
        receive_id: 'oc_county_group',
        msg_type: 'text',
        content: JSON.stringify({ text: '已备案 F7' }),
        uuid: 'u-create-1',
      },
    });
    expect(res).toMatchObject({ code: 0, msg: 'success', data: { chat_id: 'oc_county_group', msg_type: 'text' } });
    expect(res.data?.message_id).toMatch(/^om_/);

    const tokenCalls = fake.requests.filter((r) => r.path === '/open-apis/auth/v3/tenant_access_token/internal');
    expect(tokenCalls).toHaveLength(1);
    expect(tokenCalls[0]?.body).toEqual({ app_id: APP_ID, app_secret: APP_SECRET });

    const create = await fake.waitFor((r) => r.method === 'POST' && r.path === '/open-apis/im/v1/messages');
    expect(create.headers.authorization).toBe(`Bearer ${fake.tenantToken}`);
    expect(create.query).toEqual({ receive_id_type: 'chat_id' });
    expect(create.body).toMatchObject({ receive_id: 'oc_county_group', uuid: 'u-create-1' });

    expect(fake.sent()).toEqual([
      expect.objectContaining({
        kind: 'create',
        messageId: res.data?.message_id,
        content: { text: '已备案 F7' },
        uuid: 'u-create-1',
        receiveIdType: 'chat_id',
        chatId: 'oc_county_group',
      }),
    ]);

    await client.im.message.create({
      params: { receive_id_type: 'open_id' },
      data: { receive_id: 'ou_editor', msg_type: 'text', content: JSON.stringify({ text: 'second' }) },
    });
    expect(fake.requests.filter((r) => r.path.includes('tenant_access_token'))).toHaveLength(1); // cached
  });

  it('reply with a JSON 2.0 card, patch it, and update it with a callback token', async () => {
    const card = {
      schema: '2.0',
      config: { update_multi: true },
      header: { title: { tag: 'plain_text', content: '待审核 R12' }, template: 'orange' },
      body: {
        elements: [
          { tag: 'markdown', content: '**账号**：县融媒体中心' },
          {
            tag: 'button',
            text: { tag: 'plain_text', content: '通过' },
            type: 'primary',
            behaviors: [{ type: 'callback', value: { action: 'approve', review: 'R12' } }],
          },
        ],
      },
    };
    const reply = await client.im.message.reply({
      path: { message_id: 'om_user_msg_1' },
      data: { msg_type: 'interactive', content: JSON.stringify(card), uuid: 'u-reply-1' },
    });
    const cardMessageId = reply.data?.message_id ?? '';
    expect(reply.data).toMatchObject({ parent_id: 'om_user_msg_1', root_id: 'om_user_msg_1', msg_type: 'interactive' });
    const replyReq = fake.requests.find((r) => r.path.endsWith('/reply'));
    expect(replyReq?.headers.authorization).toBe(`Bearer ${fake.tenantToken}`);
    expect(replyReq?.body).toMatchObject({ uuid: 'u-reply-1', msg_type: 'interactive' });
    expect(fake.sent()).toEqual([expect.objectContaining({ kind: 'reply', replyTo: 'om_user_msg_1', content: card })]);

    const done = { ...card, header: { ...card.header, template: 'green' } };
    const patched = await client.im.message.patch({
      path: { message_id: cardMessageId },
      data: { content: JSON.stringify(done) },
    });
    expect(patched.code).toBe(0);

    // The SDK has no typed method for the delayed card update; client.request adds the token and the domain.
    const delayed = (await client.request({
      method: 'POST',
      url: '/open-apis/interactive/v1/card/update',
      data: { token: 'c-card-update-token', card: done },
    })) as { code?: number };
    expect(delayed.code).toBe(0);

    expect(fake.updates()).toEqual([
      expect.objectContaining({ kind: 'patch', messageId: cardMessageId, content: done }),
      expect.objectContaining({ kind: 'card_update', token: 'c-card-update-token', content: done }),
    ]);
    const updateReq = fake.requests.find((r) => r.path === '/open-apis/interactive/v1/card/update');
    expect(updateReq?.headers.authorization).toBe(`Bearer ${fake.tenantToken}`);
  });

  it('de-duplicates by uuid: a repeated send returns the same message_id and is delivered once', async () => {
    const send = () =>
      client.im.message.create({
        params: { receive_id_type: 'chat_id' },
        data: {
          receive_id: 'oc_g',
          msg_type: 'text',
          content: JSON.stringify({ text: '提醒' }),
          uuid: 'remind-2026-11-20-A3',
        },
      });
    const first = await send();
    const second = await send();
    expect(second.data?.message_id).toBe(first.data?.message_id);
    expect(fake.requests.filter((r) => r.path === '/open-apis/im/v1/messages')).toHaveLength(2);
    expect(fake.sent()).toHaveLength(1);

    // replies have their own uuid space
    const r1 = await client.im.message.reply({
      path: { message_id: 'om_x' },
      data: { msg_type: 'text', content: JSON.stringify({ text: 'a' }), uuid: 'remind-2026-11-20-A3' },
    });
    expect(r1.data?.message_id).not.toBe(first.data?.message_id);
    expect(fake.sent()).toHaveLength(2);
  });

  it('SDK behaviour: HTTP errors reject with an AxiosError carrying the Feishu body; the SDK does not retry', async () => {
    const create = (uuid: string) =>
      client.im.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_g', msg_type: 'text', content: JSON.stringify({ text: '日报' }), uuid },
      });
    const messageCalls = () => fake.requests.filter((r) => r.path === '/open-apis/im/v1/messages').length;

    fake.failNext(1);
    const e500 = await rejectionOf(create('u-retry-1'));
    expect(e500.isAxiosError).toBe(true);
    expect(e500.response?.status).toBe(500);
    expect(e500.response?.data).toMatchObject({ code: 1500 });
    expect(messageCalls()).toBe(1);

    fake.rateLimitNext(1);
    const e429 = await rejectionOf(create('u-retry-1'));
    expect(e429.response?.status).toBe(429);
    expect(e429.response?.data).toMatchObject({ code: RATE_LIMIT_CODE });
    expect(e429.response?.headers?.['x-ogw-ratelimit-reset']).toBe('1');
    expect(messageCalls()).toBe(2);

    // Our own retry with the same uuid delivers exactly once.
    await create('u-retry-1');
    await create('u-retry-1');
    expect(fake.sent().filter((m) => m.uuid === 'u-retry-1')).toHaveLength(1);

    // A business error answered with HTTP 200 is returned, not thrown.
    fake.failNext(1, 200, { code: 230002, msg: 'Bot/User can NOT be out of the chat.' });
    const resolved = await create('u-biz-1');
    expect(resolved).toMatchObject({ code: 230002 });
    expect(fake.sent().some((m) => m.uuid === 'u-biz-1')).toBe(false);

    // The failure went to our logger (not the console), with the request body but not the bearer token.
    const logged = captured.text();
    expect(captured.logs.some((l) => l.level === 'error')).toBe(true);
    expect(logged).toContain('日报');
    expect(logged).not.toContain(fake.tenantToken);
  });

  it('checks the bearer token: 401 with Feishu-shaped errors; the SDK keeps a revoked cached token', async () => {
    const missing = await fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ receive_id: 'oc_g', msg_type: 'text', content: '{"text":"x"}' }),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ code: 99991661 });

    const wrong = await fetch(`${fake.url}/open-apis/im/v1/messages?receive_id_type=chat_id`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t-not-issued' },
      body: JSON.stringify({ receive_id: 'oc_g', msg_type: 'text', content: '{"text":"x"}' }),
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 99991663 });

    const send = () =>
      client.im.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_g', msg_type: 'text', content: JSON.stringify({ text: 'x' }) },
      });
    await send();
    fake.rotateTenantToken();
    const stale = await rejectionOf(send());
    expect(stale.response?.status).toBe(401);
    expect(stale.response?.data).toMatchObject({ code: 99991663 });
    expect(fake.requests.filter((r) => r.path.includes('tenant_access_token'))).toHaveLength(1);
  });

  it('SDK behaviour: a failed token request is logged as the raw error, app_secret included', async () => {
    fake.failTokenNext(1);
    const err = await rejectionOf(
      client.im.message.create({
        params: { receive_id_type: 'chat_id' },
        data: { receive_id: 'oc_g', msg_type: 'text', content: JSON.stringify({ text: 'x' }) },
      }),
    );
    expect(err.response?.status).toBe(500);
    // The SDK logs the AxiosError whose config.data is the token request body: route or scrub the SDK logger.
    expect(captured.text()).toContain(APP_SECRET);
  });

  it('waitFor resolves on a later request and times out with what it saw', async () => {
    const pending = fake.waitFor((r) => r.path === '/open-apis/im/v1/messages' && r.status === 200, 2000);
    await client.im.message.create({
      params: { receive_id_type: 'chat_id' },
      data: { receive_id: 'oc_g', msg_type: 'text', content: JSON.stringify({ text: 'later' }) },
    });
    expect((await pending).body).toMatchObject({ receive_id: 'oc_g' });
    await expect(fake.waitFor((r) => r.path === '/nowhere', 50)).rejects.toThrow(/no matching request/);
  });

  it('refuses wrong app credentials like the platform', async () => {
    const res = await fetch(`${fake.url}/open-apis/auth/v3/tenant_access_token/internal`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ app_id: APP_ID, app_secret: 'wrong' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 10014 });
  });
});
