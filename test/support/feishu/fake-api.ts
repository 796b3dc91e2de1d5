/**
 * A fake Feishu Open API on 127.0.0.1 for end-to-end tests: point the server's FEISHU_BASE_URL (the SDK Client's
 * `domain`) at `fake.url`. Implements what @larksuiteoapi/node-sdk calls for a self-built app, answering with the
 * documented response shapes, and records every request.
 *
 * Documentation followed:
 * - tenant_access_token (self-built app): POST /open-apis/auth/v3/tenant_access_token/internal, body {app_id,
 *   app_secret}, answer {code:0, msg:'ok', tenant_access_token, expire} (token at top level, not under data):
 *   https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/tenant_access_token_internal
 *   (and app_access_token/internal, which answers both app_access_token and tenant_access_token:
 *   https://open.feishu.cn/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/app_access_token_internal)
 * - send message: POST /open-apis/im/v1/messages?receive_id_type=open_id|user_id|union_id|email|chat_id, body
 *   {receive_id, msg_type, content (JSON string), uuid?}; "uuid: 由开发者生成的唯一字符串序列，用于发送消息请求去重；持有相同
 *   uuid 的请求 1 小时内至多成功发送一条消息", max 50 characters:
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create
 * - reply: POST /open-apis/im/v1/messages/:message_id/reply, body {content, msg_type, reply_in_thread?, uuid?}:
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/reply
 * - update a sent card: PATCH /open-apis/im/v1/messages/:message_id, body {content}:
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/patch
 * - delayed card update with the callback token: POST /open-apis/interactive/v1/card/update, body {token, card}:
 *   https://open.feishu.cn/document/ukTMukTMukTM/uMDO1YjLzgTN24yM4UjN
 * - rate limiting: HTTP 429, body {code: 99991400, msg: 'request trigger frequency limit'}, headers
 *   x-ogw-ratelimit-limit / x-ogw-ratelimit-reset:
 *   https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control
 * - error body shape {code, msg, error:{log_id}}:
 *   https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code
 *   The token errors 99991661 (missing) / 99991663 (invalid) are the codes Feishu is commonly seen to answer; their
 *   exact HTTP status was not confirmed from a stored doc page (see the simplifications below).
 *
 * Simplifications (deliberate): one tenant token per fake (re-issued on every token request until
 * `rotateTenantToken()`); the Authorization failure answers HTTP 401 as our tests expect; patch and card/update answer
 * `data: {}`; validation failures use the generic field-validation code 99992402 rather than each API's own codes.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  /** As Node delivers them: lower-case names. */
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** Parsed JSON body, or undefined when there was none / it was not JSON. */
  body: unknown;
  /** What the fake answered. */
  status: number;
  response: unknown;
  at: number;
}

export interface SentMessage {
  kind: 'create' | 'reply';
  messageId: string;
  msgType: string;
  /** The `content` string as sent. */
  rawContent: string;
  /** `content` parsed: `{text}` for text, the card object for interactive. */
  content: unknown;
  uuid?: string;
  /** create: the receive_id and receive_id_type query parameter. */
  receiveId?: string;
  receiveIdType?: string;
  /** reply: the message replied to. */
  replyTo?: string;
  replyInThread?: boolean;
  /** The chat the message landed in, when the fake knows it (chat_id sends, p2p sends, replies to known messages). */
  chatId?: string;
  seq: number;
}

export interface MessageUpdate {
  kind: 'patch' | 'card_update';
  /** patch: the updated message. */
  messageId?: string;
  /** card_update: the callback token used. */
  token?: string;
  /** patch: `content` parsed; card_update: the `card` object. */
  content: unknown;
  seq: number;
}

export interface FakeFeishuOptions {
  /** When set, token requests with other credentials are refused (code 10003 / 10014). */
  appId?: string;
  appSecret?: string;
  /** Fixed tenant token (default: random `t-…`). */
  tenantToken?: string;
  /** `expire` returned with tokens, in seconds (default 7200, as the platform). */
  tokenExpireSeconds?: number;
  /** Clock for the uuid de-duplication window (default Date.now). */
  now?: () => number;
  /** The bot's open_id answered by GET /open-apis/bot/v3/info (default `ou_bot_0000`). */
  botOpenId?: string;
}

export interface FakeFeishu {
  /** e.g. `http://127.0.0.1:40123` — use as FEISHU_BASE_URL / the SDK Client's `domain`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The tenant token currently issued and accepted. */
  readonly tenantToken: string;
  /** Fail the next `n` message API calls (create, reply, patch, card update) with `status` and `body`. */
  failNext(n: number, status?: number, body?: unknown): void;
  /** Answer the next `n` message API calls with HTTP 429 / code 99991400. */
  rateLimitNext(n: number): void;
  /** Fail the next `n` token requests. */
  failTokenNext(n: number, status?: number, body?: unknown): void;
  /** Issue a new tenant token; the old one is refused from now on (99991663). */
  rotateTenantToken(): string;
  /** Successful sends and replies, each counted once (a repeated uuid is not counted again). */
  sent(): SentMessage[];
  /** Successful card updates (PATCH message, delayed card update). */
  updates(): MessageUpdate[];
  /** Resolve with the first recorded request (already arrived or arriving) that matches. */
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  /** Forget recorded requests, sends, uuids and planned failures (the token stays). */
  reset(): void;
  close(): Promise<void>;
}

/** One hour: the documented window within which a repeated `uuid` sends at most one message. */
export const UUID_DEDUP_WINDOW_MS = 60 * 60 * 1000;
export const RATE_LIMIT_CODE = 99991400;

const TOKEN_PATH = '/open-apis/auth/v3/tenant_access_token/internal';
const APP_TOKEN_PATH = '/open-apis/auth/v3/app_access_token/internal';
const MESSAGES_PATH = '/open-apis/im/v1/messages';
const MESSAGE_ITEM = /^\/open-apis\/im\/v1\/messages\/([^/]+)(\/reply)?$/;
const CARD_UPDATE_PATH = '/open-apis/interactive/v1/card/update';
const BOT_INFO_PATH = '/open-apis/bot/v3/info';
const RECEIVE_ID_TYPES = new Set(['open_id', 'user_id', 'union_id', 'email', 'chat_id']);

interface PlannedFailure {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface KnownMessage {
  chatId?: string;
  rootId?: string;
  msgType: string;
}

interface DedupEntry {
  at: number;
  data: unknown;
}

interface Waiter {
  predicate: (r: RecordedRequest) => boolean;
  resolve: (r: RecordedRequest) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

function logId(): string {
  return randomBytes(12).toString('hex');
}

function feishuError(code: number, msg: string): { code: number; msg: string; error: { log_id: string } } {
  return { code, msg, error: { log_id: logId() } };
}

function validationError(detail: string): Reply {
  return { status: 400, body: { ...feishuError(99992402, 'field validation failed'), detail } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function newTenantToken(): string {
  return `t-g1${randomBytes(18).toString('hex')}`;
}

function newMessageId(): string {
  return `om_${randomBytes(16).toString('hex')}`;
}

/** A stable p2p chat id per user, so tests can correlate sends to the same person. */
export function p2pChatIdFor(receiveIdType: string, receiveId: string): string {
  return `oc_${createHash('sha256').update(`${receiveIdType}:${receiveId}`).digest('hex').slice(0, 32)}`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startFakeFeishu(options: FakeFeishuOptions = {}): Promise<FakeFeishu> {
  const now = options.now ?? Date.now;
  const expire = options.tokenExpireSeconds ?? 7200;
  const requests: RecordedRequest[] = [];
  const sentMessages: SentMessage[] = [];
  const messageUpdates: MessageUpdate[] = [];
  const known = new Map<string, KnownMessage>();
  const dedup = new Map<string, DedupEntry>();
  let failures: PlannedFailure[] = [];
  let tokenFailures: PlannedFailure[] = [];
  let waiters: Waiter[] = [];
  let tenantToken = options.tenantToken ?? newTenantToken();
  let seq = 0;

  const tokenReply = (body: unknown, field: 'tenant' | 'app'): Reply => {
    const planned = tokenFailures.shift();
    if (planned !== undefined) return planned;
    if (!isRecord(body) || typeof body.app_id !== 'string' || typeof body.app_secret !== 'string') {
      return validationError('app_id and app_secret are required');
    }
    if (options.appId !== undefined && body.app_id !== options.appId) {
      return { status: 400, body: feishuError(10003, 'invalid param') };
    }
    if (options.appSecret !== undefined && body.app_secret !== options.appSecret) {
      return { status: 400, body: feishuError(10014, 'app secret invalid') };
    }
    // The self-built app_access_token/internal answer carries both tokens.
    const tokens =
      field === 'tenant'
        ? { tenant_access_token: tenantToken }
        : { app_access_token: tenantToken, tenant_access_token: tenantToken };
    return { status: 200, body: { code: 0, msg: 'ok', ...tokens, expire } };
  };

  const authFailure = (headers: IncomingHttpHeaders): Reply | undefined => {
    const auth = headers.authorization;
    if (auth === undefined || auth === '') {
      return {
        status: 401,
        body: feishuError(
          99991661,
          'Missing access token for authorization. Please make a request with token attached.',
        ),
      };
    }
    if (auth !== `Bearer ${tenantToken}`) {
      return {
        status: 401,
        body: feishuError(
          99991663,
          'Invalid access token for authorization. Please make a request with token attached.',
        ),
      };
    }
    return undefined;
  };

  const messageData = (
    messageId: string,
    msgType: string,
    content: string,
    extra: Partial<KnownMessage> & { parentId?: string },
  ) => {
    const t = String(now());
    return {
      message_id: messageId,
      ...(extra.rootId !== undefined ? { root_id: extra.rootId } : {}),
      ...(extra.parentId !== undefined ? { parent_id: extra.parentId } : {}),
      msg_type: msgType,
      create_time: t,
      update_time: t,
      deleted: false,
      updated: false,
      ...(extra.chatId !== undefined ? { chat_id: extra.chatId } : {}),
      sender: { id: options.appId ?? 'cli_fake_app', id_type: 'app_id', sender_type: 'app', tenant_key: 'fake_tenant' },
      body: { content },
    };
  };

  /** Shared checks for create/reply bodies; returns the parsed content or an error reply. */
  const checkContent = (
    body: Record<string, unknown>,
  ): { msgType: string; raw: string; parsed: unknown; uuid?: string } | Reply => {
    const { msg_type: msgType, content, uuid } = body;
    if (typeof msgType !== 'string' || msgType === '') return validationError('msg_type is required');
    if (typeof content !== 'string' || content === '') return validationError('content must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      return validationError('content is not valid JSON');
    }
    if (uuid !== undefined && (typeof uuid !== 'string' || uuid.length > 50)) {
      return validationError('uuid must be a string of at most 50 characters');
    }
    return { msgType, raw: content, parsed, ...(typeof uuid === 'string' ? { uuid } : {}) };
  };

  const deduped = (key: string | undefined): DedupEntry | undefined => {
    if (key === undefined) return undefined;
    const hit = dedup.get(key);
    if (hit === undefined) return undefined;
    if (now() - hit.at >= UUID_DEDUP_WINDOW_MS) {
      dedup.delete(key);
      return undefined;
    }
    return hit;
  };

  const handleCreate = (query: Record<string, string>, body: unknown, reqSeq: number): Reply => {
    const receiveIdType = query.receive_id_type;
    if (receiveIdType === undefined || !RECEIVE_ID_TYPES.has(receiveIdType)) {
      return validationError('receive_id_type must be one of open_id, user_id, union_id, email, chat_id');
    }
    if (!isRecord(body) || typeof body.receive_id !== 'string' || body.receive_id === '') {
      return validationError('receive_id is required');
    }
    const checked = checkContent(body);
    if ('status' in checked) return checked;
    const key = checked.uuid !== undefined ? `create:${checked.uuid}` : undefined;
    const hit = deduped(key);
    if (hit !== undefined) return { status: 200, body: { code: 0, msg: 'success', data: hit.data } };
    const receiveId = body.receive_id;
    const chatId = receiveIdType === 'chat_id' ? receiveId : p2pChatIdFor(receiveIdType, receiveId);
    const messageId = newMessageId();
    known.set(messageId, { chatId, msgType: checked.msgType });
    const data = messageData(messageId, checked.msgType, checked.raw, { chatId });
    if (key !== undefined) dedup.set(key, { at: now(), data });
    sentMessages.push({
      kind: 'create',
      messageId,
      msgType: checked.msgType,
      rawContent: checked.raw,
      content: checked.parsed,
      ...(checked.uuid !== undefined ? { uuid: checked.uuid } : {}),
      receiveId,
      receiveIdType,
      chatId,
      seq: reqSeq,
    });
    return { status: 200, body: { code: 0, msg: 'success', data } };
  };

  const handleReply = (parentId: string, body: unknown, reqSeq: number): Reply => {
    if (!isRecord(body)) return validationError('body is required');
    const checked = checkContent(body);
    if ('status' in checked) return checked;
    const key = checked.uuid !== undefined ? `reply:${checked.uuid}` : undefined;
    const hit = deduped(key);
    if (hit !== undefined) return { status: 200, body: { code: 0, msg: 'success', data: hit.data } };
    const parent = known.get(parentId);
    const rootId = parent?.rootId ?? parentId;
    const messageId = newMessageId();
    const chatId = parent?.chatId;
    known.set(messageId, { msgType: checked.msgType, rootId, ...(chatId !== undefined ? { chatId } : {}) });
    const data = messageData(messageId, checked.msgType, checked.raw, {
      rootId,
      parentId,
      ...(chatId !== undefined ? { chatId } : {}),
    });
    if (key !== undefined) dedup.set(key, { at: now(), data });
    sentMessages.push({
      kind: 'reply',
      messageId,
      msgType: checked.msgType,
      rawContent: checked.raw,
      content: checked.parsed,
      ...(checked.uuid !== undefined ? { uuid: checked.uuid } : {}),
      replyTo: parentId,
      replyInThread: body.reply_in_thread === true,
      ...(chatId !== undefined ? { chatId } : {}),
      seq: reqSeq,
    });
    return { status: 200, body: { code: 0, msg: 'success', data } };
  };

  const handlePatch = (messageId: string, body: unknown, reqSeq: number): Reply => {
    if (!isRecord(body) || typeof body.content !== 'string') return validationError('content must be a JSON string');
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.content);
    } catch {
      return validationError('content is not valid JSON');
    }
    messageUpdates.push({ kind: 'patch', messageId, content: parsed, seq: reqSeq });
    return { status: 200, body: { code: 0, msg: 'success', data: {} } };
  };

  const handleCardUpdate = (body: unknown, reqSeq: number): Reply => {
    if (!isRecord(body) || typeof body.token !== 'string' || body.token === '' || !isRecord(body.card)) {
      return validationError('token and card are required');
    }
    messageUpdates.push({ kind: 'card_update', token: body.token, content: body.card, seq: reqSeq });
    return { status: 200, body: { code: 0, msg: 'success', data: {} } };
  };

  const route = (
    method: string,
    path: string,
    query: Record<string, string>,
    headers: IncomingHttpHeaders,
    body: unknown,
    reqSeq: number,
  ): Reply => {
    if (method === 'POST' && path === TOKEN_PATH) return tokenReply(body, 'tenant');
    if (method === 'POST' && path === APP_TOKEN_PATH) return tokenReply(body, 'app');
    // Bot info (https://open.feishu.cn/document/client-docs/bot-v3/obtain-bot-info): {code, msg, bot: {open_id, …}}
    if (method === 'GET' && path === BOT_INFO_PATH) {
      const denied = authFailure(headers);
      if (denied !== undefined) return denied;
      return {
        status: 200,
        body: {
          code: 0,
          msg: 'ok',
          bot: {
            activate_status: 2,
            app_name: '政务新媒体助手',
            avatar_url: '',
            ip_white_list: [],
            open_id: options.botOpenId ?? 'ou_bot_0000',
          },
        },
      };
    }

    const item = MESSAGE_ITEM.exec(path);
    const isMessageCall =
      (method === 'POST' && path === MESSAGES_PATH) ||
      (method === 'POST' && path === CARD_UPDATE_PATH) ||
      (item !== null && ((method === 'POST' && item[2] === '/reply') || (method === 'PATCH' && item[2] === undefined)));
    if (!isMessageCall) return { status: 404, body: '404 page not found' };

    const denied = authFailure(headers);
    if (denied !== undefined) return denied;
    const planned = failures.shift();
    if (planned !== undefined) return planned;

    if (path === MESSAGES_PATH) return handleCreate(query, body, reqSeq);
    if (path === CARD_UPDATE_PATH) return handleCardUpdate(body, reqSeq);
    const messageId = decodeURIComponent(item?.[1] ?? '');
    return item?.[2] === '/reply' ? handleReply(messageId, body, reqSeq) : handlePatch(messageId, body, reqSeq);
  };

  const record = (r: RecordedRequest): void => {
    requests.push(r);
    const still: Waiter[] = [];
    for (const w of waiters) {
      let matched = false;
      try {
        matched = w.predicate(r);
      } catch (e) {
        clearTimeout(w.timer);
        w.reject(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      if (matched) {
        clearTimeout(w.timer);
        w.resolve(r);
      } else {
        still.push(w);
      }
    }
    waiters = still;
  };

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams.entries());
    const method = (req.method ?? 'GET').toUpperCase();
    const reqSeq = ++seq;
    let body: unknown;
    let reply: Reply;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
    }
    if (rawBody !== '' && body === undefined) {
      reply = validationError('body is not valid JSON');
    } else {
      reply = route(method, url.pathname, query, req.headers, body, reqSeq);
    }
    record({
      seq: reqSeq,
      method,
      path: url.pathname,
      query,
      headers: req.headers,
      rawBody,
      body,
      status: reply.status,
      response: reply.body,
      at: now(),
    });
    const isText = typeof reply.body === 'string';
    res.writeHead(reply.status, {
      'Content-Type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      'X-Tt-Logid': logId(),
      ...(reply.headers ?? {}),
    });
    res.end(isText ? (reply.body as string) : JSON.stringify(reply.body));
  };

  const server: Server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get tenantToken() {
      return tenantToken;
    },
    failNext(n, status = 500, body) {
      for (let i = 0; i < n; i++) {
        failures.push({ status, body: body ?? feishuError(1500, 'internal error'), headers: {} });
      }
    },
    rateLimitNext(n) {
      for (let i = 0; i < n; i++) {
        failures.push({
          status: 429,
          body: { code: RATE_LIMIT_CODE, msg: 'request trigger frequency limit' },
          headers: { 'x-ogw-ratelimit-limit': '5', 'x-ogw-ratelimit-reset': '1' },
        });
      }
    },
    failTokenNext(n, status = 500, body) {
      for (let i = 0; i < n; i++) {
        tokenFailures.push({ status, body: body ?? feishuError(1500, 'internal error'), headers: {} });
      }
    },
    rotateTenantToken() {
      tenantToken = newTenantToken();
      return tenantToken;
    },
    sent() {
      return sentMessages.map((m) => ({ ...m }));
    },
    updates() {
      return messageUpdates.map((u) => ({ ...u }));
    },
    waitFor(predicate, timeoutMs = 5000) {
      const found = requests.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise<RecordedRequest>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w.timer !== timer);
          const seen = requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join('\n  ');
          reject(new Error(`fake Feishu: no matching request within ${timeoutMs} ms; seen:\n  ${seen || '(none)'}`));
        }, timeoutMs);
        waiters.push({ predicate, resolve, reject, timer });
      });
    },
    reset() {
      requests.length = 0;
      sentMessages.length = 0;
      messageUpdates.length = 0;
      known.clear();
      dedup.clear();
      failures = [];
      tokenFailures = [];
    },
    close() {
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('fake Feishu closed'));
      }
      waiters = [];
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
