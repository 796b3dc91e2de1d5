/**
 * A fake WeCom server API on 127.0.0.1 for end-to-end tests: point WECOM_BASE_URL at `fake.url`. Records every
 * request and answers with the documented shapes; errcodes can be injected per API for the next calls.
 *
 * Documentation followed (developer.work.weixin.qq.com):
 * - 获取access_token: GET /cgi-bin/gettoken?corpid=ID&corpsecret=SECRET → {errcode:0, errmsg:'ok', access_token,
 *   expires_in:7200}; a wrong secret answers 40001.
 * - 发送应用消息: POST /cgi-bin/message/send?access_token=… body {touser, msgtype, agentid, text|markdown|template_card,
 *   enable_duplicate_check, duplicate_check_interval} → {errcode, errmsg, invaliduser, msgid, response_code}
 *   (response_code only for interactive template cards; one use, 72 hours). An expired token answers 42001, an
 *   invalid one 40014; 45009 is the API frequency limit; 60020 "not allow to access from your ip".
 * - 更新模版卡片消息: POST /cgi-bin/message/update_template_card?access_token=… body {userids, agentid,
 *   response_code, template_card} → {errcode, errmsg, invaliduser}.
 * - 消息推送 (群机器人) webhook: POST /cgi-bin/webhook/send?key=KEY body {msgtype:'markdown', markdown:{content}} →
 *   {errcode, errmsg}; a bad key answers 93000; 45009 over 20 messages a minute.
 * - 智能机器人 response_url: POST the message's response_url with {msgtype:'markdown', markdown:{content}} → {errcode,
 *   errmsg}; served here under /aibot/response/<id>.
 *
 * Simplifications: one access token at a time (a new one on every gettoken; `expireToken()` makes the current one
 * answer 42001); a response code is a random string, checked for one use.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WecomRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** what the fake answered */
  response: { errcode: number; [k: string]: unknown };
}

type Api = 'gettoken' | 'send' | 'update' | 'webhook' | 'response_url';

export interface FakeWecom {
  url: string;
  requests: WecomRequest[];
  /** answer the next `times` calls of `api` with `errcode` */
  failNext(api: Api, errcode: number, times?: number): void;
  /** the current token answers 42001 from now on (as if it expired) */
  expireToken(): void;
  /** webhook keys that exist (others answer 93000) */
  addWebhookKey(key: string): void;
  /** a response_url for an AI bot message */
  responseUrl(): string;
  /** a response code as WeCom puts into a template_card_event click (one use) */
  issueResponseCode(): string;
  /** successful sends (message/send) */
  sent(): WecomRequest[];
  waitFor(pred: (r: WecomRequest) => boolean, timeoutMs?: number): Promise<WecomRequest>;
  close(): Promise<void>;
}

export async function startFakeWecom(o: { corpId: string; secret: string; agentId: number }): Promise<FakeWecom> {
  const requests: WecomRequest[] = [];
  const failures = new Map<Api, number[]>();
  const tokens = new Map<string, 'ok' | 'expired'>();
  const codes = new Map<string, 'fresh' | 'used'>();
  const keys = new Set<string>();
  const responseUrls = new Map<string, 'fresh' | 'used'>();
  let seq = 0;
  let url = '';

  const injected = (api: Api): number | null => {
    const list = failures.get(api);
    if (!list?.length) return null;
    return list.shift() ?? null;
  };

  const checkToken = (q: Record<string, string>): number => {
    const t = tokens.get(q.access_token ?? '');
    if (!t) return 40014;
    if (t === 'expired') return 42001;
    return 0;
  };

  function answer(
    api: Api | null,
    req: IncomingMessage,
    q: Record<string, string>,
    body: unknown,
  ): { errcode: number; [k: string]: unknown } {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (api === null) return { errcode: 404, errmsg: `no such API ${path}` };
    const inj = injected(api);
    if (inj !== null) return { errcode: inj, errmsg: `injected ${inj}` };
    const b = (body ?? {}) as Record<string, unknown>;
    switch (api) {
      case 'gettoken': {
        if (q.corpid !== o.corpId) return { errcode: 40013, errmsg: 'invalid corpid' };
        if (q.corpsecret !== o.secret) return { errcode: 40001, errmsg: 'invalid credential' };
        for (const k of tokens.keys()) tokens.set(k, 'expired');
        const token = `tok_${randomBytes(8).toString('hex')}`;
        tokens.set(token, 'ok');
        return { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 };
      }
      case 'send': {
        const t = checkToken(q);
        if (t) return { errcode: t, errmsg: t === 42001 ? 'access_token expired' : 'invalid access_token' };
        if (b.agentid !== o.agentId) return { errcode: 40056, errmsg: 'invalid agentid' };
        if (typeof b.touser !== 'string' || !b.touser) return { errcode: 40003, errmsg: 'invalid userid' };
        const type = b.msgtype;
        if (type !== 'text' && type !== 'markdown' && type !== 'template_card')
          return { errcode: 40008, errmsg: 'invalid message type' };
        const r: { errcode: number; [k: string]: unknown } = {
          errcode: 0,
          errmsg: 'ok',
          invaliduser: '',
          msgid: randomBytes(12).toString('base64url'),
        };
        if (type === 'template_card') {
          const card = b.template_card as Record<string, unknown> | undefined;
          if (
            card?.card_type !== 'button_interaction' ||
            typeof card.task_id !== 'string' ||
            !/^[0-9A-Za-z_\-@]{1,128}$/.test(card.task_id)
          ) {
            return { errcode: 40058, errmsg: 'invalid template_card' };
          }
          if (!Array.isArray(card.button_list) || card.button_list.length === 0 || card.button_list.length > 6)
            return { errcode: 40058, errmsg: 'invalid button_list' };
          const code = `rc_${randomBytes(10).toString('hex')}`;
          codes.set(code, 'fresh');
          r.response_code = code;
        }
        return r;
      }
      case 'update': {
        const t = checkToken(q);
        if (t) return { errcode: t, errmsg: 'access_token' };
        const code = typeof b.response_code === 'string' ? b.response_code : '';
        if (codes.get(code) !== 'fresh') return { errcode: 40160, errmsg: 'invalid response_code' };
        codes.set(code, 'used');
        return { errcode: 0, errmsg: 'ok', invaliduser: [] };
      }
      case 'webhook': {
        if (!keys.has(q.key ?? '')) return { errcode: 93000, errmsg: 'invalid webhook url' };
        if (b.msgtype !== 'markdown' && b.msgtype !== 'text') return { errcode: 40008, errmsg: 'invalid message type' };
        return { errcode: 0, errmsg: 'ok' };
      }
      case 'response_url': {
        const id = path.split('/').pop() ?? '';
        if (responseUrls.get(id) !== 'fresh') return { errcode: 40001, errmsg: 'response_url used or unknown' };
        responseUrls.set(id, 'used');
        return { errcode: 0, errmsg: 'ok' };
      }
    }
  }

  function route(method: string, path: string): Api | null {
    if (method === 'GET' && path === '/cgi-bin/gettoken') return 'gettoken';
    if (method === 'POST' && path === '/cgi-bin/message/send') return 'send';
    if (method === 'POST' && path === '/cgi-bin/message/update_template_card') return 'update';
    if (method === 'POST' && path === '/cgi-bin/webhook/send') return 'webhook';
    if (method === 'POST' && path.startsWith('/aibot/response/')) return 'response_url';
    return null;
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(u.searchParams);
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const response = answer(route(req.method ?? 'GET', u.pathname), req, query, body);
      requests.push({ seq: ++seq, method: req.method ?? 'GET', path: u.pathname, query, body, response });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(response));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    failNext(api, errcode, times = 1) {
      const list = failures.get(api) ?? [];
      for (let i = 0; i < times; i++) list.push(errcode);
      failures.set(api, list);
    },
    expireToken() {
      for (const k of tokens.keys()) tokens.set(k, 'expired');
    },
    addWebhookKey(key) {
      keys.add(key);
    },
    responseUrl() {
      const id = randomBytes(8).toString('hex');
      responseUrls.set(id, 'fresh');
      return `${url}/aibot/response/${id}`;
    },
    issueResponseCode() {
      const code = `rc_click_${randomBytes(10).toString('hex')}`;
      codes.set(code, 'fresh');
      return code;
    },
    sent: () => requests.filter((r) => r.path === '/cgi-bin/message/send' && r.response.errcode === 0),
    async waitFor(pred, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = requests.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline)
          throw new Error(
            `no matching WeCom request in ${timeoutMs} ms; got:\n${requests.map((r) => `${r.seq} ${r.method} ${r.path} ${JSON.stringify(r.body ?? r.query).slice(0, 200)} → ${r.response.errcode}`).join('\n')}`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
