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
 * - 上传临时素材: POST /cgi-bin/media/upload?access_token=…&type=image|voice|video|file, multipart/form-data with the
 *   file in the part named "media" (its filename is the name shown) → {errcode:0, errmsg:'', type, media_id,
 *   created_at}; every file must be larger than 5 bytes (images at most 10 MB, files 20 MB). The app then sends
 *   {msgtype:'image', image:{media_id}} or {msgtype:'file', file:{media_id}} through message/send.
 * - 群机器人文件上传: POST /cgi-bin/webhook/upload_media?key=KEY&type=file, the same multipart part "media", 5 B–20 MB
 *   → {errcode, errmsg, type, media_id, created_at}; the media_id is usable only by that webhook, in
 *   {msgtype:'file', file:{media_id}}. A webhook image is sent inline: {msgtype:'image', image:{base64, md5}} where md5
 *   is that of the bytes before base64, at most 2 MB, JPG or PNG.
 * - 智能机器人 response_url: POST the message's response_url with {msgtype:'markdown', markdown:{content}} → {errcode,
 *   errmsg}; served here under /aibot/response/<id>.
 *
 * Simplifications: one access token at a time (a new one on every gettoken; `expireToken()` makes the current one
 * answer 42001); a response code is a random string, checked for one use.
 */
import { createHash, randomBytes } from 'node:crypto';
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

type Api = 'gettoken' | 'send' | 'update' | 'webhook' | 'response_url' | 'upload' | 'webhook_upload';

/** A file uploaded to the fake (上传临时素材). */
export interface WecomMedia {
  mediaId: string;
  type: string;
  name: string;
  contentType: string;
  bytes: Buffer;
  /** the webhook key it was uploaded with (webhook/upload_media), else null */
  key: string | null;
}

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
  /** files uploaded, by media_id */
  media: Map<string, WecomMedia>;
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
  const media = new Map<string, WecomMedia>();
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

  async function upload(
    q: Record<string, string>,
    key: string | null,
    req: IncomingMessage,
    raw: Buffer,
  ): Promise<{ errcode: number; [k: string]: unknown }> {
    const type = q.type ?? '';
    if (key === null ? !['image', 'voice', 'video', 'file'].includes(type) : type !== 'file' && type !== 'voice')
      return { errcode: 40004, errmsg: 'invalid media type' };
    let part: ReturnType<FormData['get']> = null;
    try {
      const form = await new Response(raw, {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      }).formData();
      part = form.get('media');
    } catch {
      return { errcode: 41001, errmsg: 'invalid multipart body' };
    }
    if (!part || typeof part === 'string') return { errcode: 40005, errmsg: 'no media part' };
    const bytes = Buffer.from(await part.arrayBuffer());
    const limit = type === 'image' ? 10 * 1024 * 1024 : 20 * 1024 * 1024;
    if (bytes.length <= 5 || bytes.length > limit) return { errcode: 40006, errmsg: 'invalid file size' };
    const mediaId = `m_${randomBytes(12).toString('hex')}`;
    media.set(mediaId, { mediaId, type, name: part.name, contentType: part.type, bytes, key });
    return { errcode: 0, errmsg: '', type, media_id: mediaId, created_at: String(Math.floor(Date.now() / 1000)) };
  }

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
        if (type === 'image' || type === 'file') {
          const m = media.get(((b[type] ?? {}) as { media_id?: string }).media_id ?? '');
          if (!m || m.key !== null || m.type !== type) return { errcode: 40007, errmsg: 'invalid media_id' };
        } else if (type !== 'text' && type !== 'markdown' && type !== 'template_card')
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
        if (b.msgtype === 'file') {
          const m = media.get(((b.file ?? {}) as { media_id?: string }).media_id ?? '');
          if (!m || m.key !== q.key) return { errcode: 40007, errmsg: 'invalid media_id' };
        } else if (b.msgtype === 'image') {
          const img = (b.image ?? {}) as { base64?: string; md5?: string };
          const bytes = Buffer.from(img.base64 ?? '', 'base64');
          if (!bytes.length || bytes.length > 2 * 1024 * 1024) return { errcode: 40009, errmsg: 'invalid image size' };
          if (createHash('md5').update(bytes).digest('hex') !== img.md5)
            return { errcode: 40009, errmsg: 'md5 mismatch' };
        } else if (b.msgtype !== 'markdown' && b.msgtype !== 'text')
          return { errcode: 40008, errmsg: 'invalid message type' };
        return { errcode: 0, errmsg: 'ok' };
      }
      case 'upload':
      case 'webhook_upload':
        return { errcode: -1, errmsg: 'answered by upload()' };
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
    if (method === 'POST' && path === '/cgi-bin/media/upload') return 'upload';
    if (method === 'POST' && path === '/cgi-bin/webhook/upload_media') return 'webhook_upload';
    if (method === 'POST' && path.startsWith('/aibot/response/')) return 'response_url';
    return null;
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const u = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(u.searchParams);
      const api = route(req.method ?? 'GET', u.pathname);
      let body: unknown;
      let response: { errcode: number; [k: string]: unknown };
      if (api === 'upload' || api === 'webhook_upload') {
        const inj = injected(api);
        const auth = api === 'upload' ? checkToken(query) : keys.has(query.key ?? '') ? 0 : 93000;
        if (inj !== null) response = { errcode: inj, errmsg: `injected ${inj}` };
        else if (auth) response = { errcode: auth, errmsg: 'invalid credential' };
        else response = await upload(query, api === 'upload' ? null : (query.key ?? ''), req, raw);
        body = { multipart: raw.length };
      } else {
        try {
          body = raw.length ? JSON.parse(raw.toString()) : undefined;
        } catch {
          body = undefined;
        }
        response = answer(api, req, query, body);
      }
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
    media,
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
