/**
 * The outbound Feishu client: the official SDK's Client with `FEISHU_BASE_URL` as its domain. Sends replies
 * (as a reply to the command message), notifications (to a chat id or an open_id) and card updates (patch), each with
 * the outbox row's idempotency key as Feishu's `uuid`. Failures are classified for the delivery loop: network errors,
 * 5xx and rate limits are retried; a bad request is not. The SDK's own logging is routed through ours and stripped of
 * request details (it would otherwise print the app secret and bearer tokens).
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { FeishuConfig } from './config.js';
import { isFileBlock, withoutFiles } from '../../domain/reply.js';
import { AttachmentError, type AttachmentSource, type InboundAttachment } from '../../ports/attachments.js';
import { type Logger, redactText } from '../../ports/logger.js';
import { DeliveryError, type Messenger, type SendOptions, type SendResult } from '../../ports/messenger.js';
import type { OutboxRow } from '../../ports/store.js';
import { renderCard, renderFeishu } from './card.js';

/** short: a hanging call holds its chat this long (it is retried with the same uuid, so nothing is sent twice) */
const HTTP_TIMEOUT_MS = 3_000;
/** Feishu codes that mean "try again later": rate limits and internal errors */
const RETRY_CODES = new Set([99991400, 99991401, 230020, 11232, 1000004, 1000005, 99991672]);
/** the tenant token is missing, invalid or expired: fetch a new one and retry */
const TOKEN_CODES = new Set([99991661, 99991663, 99991664, 99991668, 99991671]);
/** the message to reply to is gone (recalled, deleted): send to the chat instead */
const GONE_CODES = new Set([230011, 231003, 230002]);

interface FeishuResponse {
  code?: number;
  msg?: string;
  data?: { message_id?: string };
}

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status?: number; data?: unknown; headers?: Record<string, unknown> };
}

/**
 * Only what is safe and useful to log from whatever the SDK hands its logger. Its logger proxy passes the arguments as
 * one array, and for a failed call that array holds `[{ message, config, request, response }, platformBody]`: kept are
 * the message, the method and path (no query), the HTTP status, the platform's code and message (through
 * `redactText`, since platform texts may quote a token); dropped are the request's body and headers (the app secret,
 * the bearer token, message contents).
 */
export function scrub(args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const texts: string[] = [];
  const visit = (a: unknown, depth: number): void => {
    if (a === null || a === undefined || depth > 4) return;
    if (typeof a === 'string') {
      if (a.trim()) texts.push(a.slice(0, 300));
      return;
    }
    if (typeof a === 'number' || typeof a === 'boolean') return void texts.push(String(a));
    if (Array.isArray(a)) {
      for (const x of a.slice(0, 10)) visit(x, depth + 1);
      return;
    }
    if (typeof a !== 'object') return;
    const e = a as AxiosLike & {
      msg?: unknown;
      code?: unknown;
      config?: { url?: unknown; method?: unknown };
    };
    if (typeof e.message === 'string' && e.message.trim()) texts.push(e.message.slice(0, 300));
    if (typeof e.code === 'string') out.code = e.code.slice(0, 40);
    if (typeof e.config?.url === 'string') out.path = pathOf(e.config.url);
    if (typeof e.config?.method === 'string') out.method = e.config.method.toUpperCase();
    if (typeof e.response?.status === 'number') out.status = e.response.status;
    // the platform's answer: inside the axios error, or on its own (the SDK logs it as a second element)
    const body: unknown = e.response?.data ?? a;
    if (typeof body === 'string') {
      if (body.trim()) texts.push(body.slice(0, 200));
    } else if (body && typeof body === 'object') {
      const b = body as { code?: unknown; msg?: unknown };
      if (typeof b.code === 'number') out.feishuCode = b.code;
      if (typeof b.msg === 'string' && b.msg.trim()) out.feishuMsg = redactText(b.msg.slice(0, 200));
    }
  };
  for (const a of args) visit(a, 0);
  const sdk = redactText(texts.join(' ').trim());
  if (sdk) out.sdk = sdk;
  return out;
}

/** A URL's path only: its query may carry a token. */
function pathOf(url: string): string {
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url.split('?')[0]?.slice(0, 200) ?? '';
  }
}

/**
 * The SDK's logger: through ours, scrubbed. A line with nothing left to say is dropped. The SDK reports every failed
 * call at error level even when the delivery loop retries it; it is logged as a warning, and the delivery loop logs
 * an error when a message is given up.
 */
export function sdkLogger(log: Logger): lark.Logger {
  const line =
    (to: 'warn' | 'debug') =>
    (...a: unknown[]) => {
      const o = scrub(a);
      if (Object.keys(o).length > 0) log[to](o, 'feishu sdk');
    };
  return { error: line('warn'), warn: line('warn'), info: line('debug'), debug: line('debug'), trace: () => {} };
}

function classify(e: unknown): DeliveryError {
  const ax = e as AxiosLike;
  if (e instanceof DeliveryError) return e;
  if (ax?.isAxiosError) {
    const status = ax.response?.status;
    const body = ax.response?.data as FeishuResponse | undefined;
    const code = body?.code;
    const detail = `HTTP ${status ?? ax.code ?? 'error'}${code !== undefined ? ` code ${code}` : ''}${body?.msg ? ` ${redactText(String(body.msg).slice(0, 200))}` : ''}`;
    if (status === undefined) return new DeliveryError(`network: ${ax.code ?? ax.message ?? 'error'}`, 'retry');
    if (status === 429 || (code !== undefined && RETRY_CODES.has(code))) {
      const reset = Number(ax.response?.headers?.['x-ogw-ratelimit-reset']);
      return new DeliveryError(detail, 'retry', Number.isFinite(reset) && reset > 0 ? reset * 1000 : 2_000);
    }
    if (status >= 500 || status === 401 || status === 403 || (code !== undefined && TOKEN_CODES.has(code)))
      return new DeliveryError(detail, 'retry');
    return new DeliveryError(detail, 'permanent');
  }
  return new DeliveryError(e instanceof Error ? e.message : String(e), 'retry');
}

/** Feishu's file_type for an upload, from the file name (im/v1/files: opus mp4 pdf doc xls ppt stream). */
export function feishuFileType(name: string): 'pdf' | 'doc' | 'xls' | 'ppt' | 'stream' {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  if (ext === 'pdf') return 'pdf';
  if (ext === 'doc' || ext === 'docx') return 'doc';
  if (ext === 'xls' || ext === 'xlsx' || ext === 'csv') return 'xls';
  if (ext === 'ppt' || ext === 'pptx') return 'ppt';
  return 'stream';
}

interface UploadResponse {
  code?: number;
  msg?: string;
  data?: { file_key?: string; image_key?: string };
}

export class FeishuMessenger implements Messenger, AttachmentSource {
  readonly client: lark.Client;
  private readonly cache = new lark.DefaultCache();
  private botOpenId: string | null = null;
  private readonly baseUrl: string;

  constructor(
    config: FeishuConfig,
    private readonly log: Logger,
  ) {
    this.baseUrl = config.baseUrl.replace(/\/+$/, '');
    lark.defaultHttpInstance.defaults.timeout = HTTP_TIMEOUT_MS;
    this.client = new lark.Client({
      appId: config.appId,
      appSecret: config.appSecret,
      domain: config.baseUrl,
      appType: lark.AppType.SelfBuild,
      cache: this.cache,
      logger: sdkLogger(log),
      loggerLevel: lark.LoggerLevel.warn,
    });
  }

  /** The bot's own open_id (to drop its mention wherever it stands); fetched once, in the background. */
  async loadBotIdentity(): Promise<string | null> {
    try {
      const r = (await this.client.request({ method: 'GET', url: '/open-apis/bot/v3/info' })) as {
        code?: number;
        bot?: { open_id?: string };
      };
      if (r.code === 0 && r.bot?.open_id) this.botOpenId = r.bot.open_id;
    } catch (e) {
      this.log.warn(scrub([e]), 'could not read the bot identity; only leading mentions are dropped');
    }
    return this.botOpenId;
  }

  get botId(): string | null {
    return this.botOpenId;
  }

  async send(row: OutboxRow, opts: SendOptions): Promise<SendResult> {
    try {
      return await this.attempt(row, opts);
    } catch (e) {
      const err = classify(e);
      const code = ((e as AxiosLike).response?.data as FeishuResponse | undefined)?.code;
      if ((code !== undefined && TOKEN_CODES.has(code)) || (e as AxiosLike).response?.status === 401)
        this.cache.values.clear();
      throw err;
    }
  }

  private async attempt(row: OutboxRow, opts: SendOptions): Promise<SendResult> {
    const uuid = opts.idempotencyKey.slice(0, 50);
    if (row.targetType === 'update') {
      const messageId = opts.original?.platformMessageId;
      if (!messageId) throw new DeliveryError('no message to update', 'permanent');
      const r = (await this.client.im.message.patch({
        path: { message_id: messageId },
        data: { content: JSON.stringify(renderCard(row.payload)) },
      })) as FeishuResponse;
      this.check(r);
      return { platformMessageId: messageId };
    }
    const attached = row.payload.blocks.filter(isFileBlock);
    if (attached.length === 0) {
      const { msgType, content } = renderFeishu(row.payload);
      return this.deliver(row, msgType, content, uuid);
    }
    // The rest of the reply first (card or text), then each file or image as its own message. Every part has its own
    // uuid derived from the row's, so a retry after a partial send does not send a part twice.
    const rest = withoutFiles(row.payload);
    let first: SendResult | null = null;
    if (rest.blocks.length > 0) {
      const { msgType, content } = renderFeishu(rest);
      first = await this.deliver(row, msgType, content, uuid);
    }
    let last: SendResult = { platformMessageId: null };
    for (const [i, b] of attached.entries()) {
      const f = opts.files ? await opts.files.get(b.fileId) : null;
      if (!f) throw new DeliveryError(`file ${b.fileId} not found`, 'permanent');
      const partUuid = `${uuid.slice(0, 46)}-f${i}`;
      if (b.type === 'file') {
        const key = await this.upload('file', b.name || f.name, f.bytes);
        last = await this.deliver(row, 'file', JSON.stringify({ file_key: key }), partUuid);
      } else {
        const key = await this.upload('image', f.name, f.bytes);
        last = await this.deliver(row, 'image', JSON.stringify({ image_key: key }), partUuid);
      }
    }
    return first ?? last;
  }

  /**
   * Upload a file (POST im/v1/files: file_type, file_name, file) or an image (POST im/v1/images: image_type=message,
   * image) as multipart/form-data, with the tenant token the SDK keeps. Sent with the platform's fetch and FormData,
   * which give the file part its filename and length (the SDK's encoder sends a Buffer without a filename).
   */
  private async upload(kind: 'file' | 'image', name: string, bytes: Uint8Array): Promise<string> {
    const tokens = this.client.tokenManager as { getTenantAccessToken(): Promise<string | undefined> };
    const token = await tokens.getTenantAccessToken();
    if (!token) throw new DeliveryError('no tenant access token', 'retry');
    const form = new FormData();
    const blob = new Blob([new Uint8Array(bytes)]);
    if (kind === 'file') {
      form.set('file_type', feishuFileType(name));
      form.set('file_name', name);
      form.set('file', blob, name);
    } else {
      form.set('image_type', 'message');
      form.set('image', blob, name);
    }
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/open-apis/im/v1/${kind === 'file' ? 'files' : 'images'}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: form,
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS * 4),
      });
    } catch (e) {
      throw new DeliveryError(`network: ${kind} upload ${e instanceof Error ? e.message : String(e)}`, 'retry');
    }
    let body: UploadResponse = {};
    try {
      body = (await res.json()) as UploadResponse;
    } catch {
      /* not JSON: judged by the status */
    }
    const detail = `${kind} upload HTTP ${res.status}${body.code !== undefined ? ` code ${body.code}` : ''}${body.msg ? ` ${redactText(String(body.msg).slice(0, 200))}` : ''}`;
    if (res.status === 401 || (body.code !== undefined && TOKEN_CODES.has(body.code))) {
      this.cache.values.clear();
      throw new DeliveryError(detail, 'retry');
    }
    if (res.status === 429 || res.status >= 500 || (body.code !== undefined && RETRY_CODES.has(body.code))) {
      throw new DeliveryError(detail, 'retry', 2_000);
    }
    const key = kind === 'file' ? body.data?.file_key : body.data?.image_key;
    if (!res.ok || body.code !== 0 || !key) throw new DeliveryError(detail, 'permanent');
    return key;
  }

  /** Download a file a user sent (GET im/v1/messages/:message_id/resources/:file_key?type=file), at most `maxBytes`. */
  async fetch(messageId: string, attachment: InboundAttachment, maxBytes: number): Promise<Uint8Array> {
    let res: { getReadableStream(): NodeJS.ReadableStream; headers?: unknown };
    try {
      res = await this.client.im.messageResource.get({
        path: { message_id: messageId, file_key: attachment.ref },
        params: { type: 'file' },
      });
    } catch (e) {
      this.log.warn(scrub([e]), 'feishu file download failed');
      throw new AttachmentError('飞书没有返回这个文件，请稍后重新发送');
    }
    const headers = (res.headers ?? {}) as Record<string, unknown>;
    const declared = Number(headers['content-length']);
    const stream = res.getReadableStream() as NodeJS.ReadableStream & { destroy?: () => void };
    const tooLarge = (): AttachmentError => new AttachmentError(`文件超过 ${Math.round(maxBytes / 1048576)} MB 的上限`);
    if (Number.isFinite(declared) && declared > maxBytes) {
      stream.destroy?.();
      throw tooLarge();
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Uint8Array | string>) {
        const b = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
        total += b.byteLength;
        if (total > maxBytes) {
          stream.destroy?.();
          throw tooLarge();
        }
        chunks.push(b);
      }
    } catch (e) {
      if (e instanceof AttachmentError) throw e;
      throw new AttachmentError('下载文件时连接中断，请重新发送');
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out;
  }

  /** Send one message: a reply to the command message (or to the chat when it is gone), or a new message. */
  private async deliver(row: OutboxRow, msgType: string, content: string, uuid: string): Promise<SendResult> {
    if (row.targetType === 'reply' && row.replyTo) {
      let r: FeishuResponse;
      try {
        r = (await this.client.im.message.reply({
          path: { message_id: row.replyTo },
          data: { msg_type: msgType, content, uuid },
        })) as FeishuResponse;
      } catch (e) {
        r = ((e as AxiosLike).response?.data as FeishuResponse | undefined) ?? {};
        if (r.code === undefined || !GONE_CODES.has(r.code)) throw e;
      }
      // The command message was recalled or deleted: answer in the chat instead.
      if (r.code !== undefined && GONE_CODES.has(r.code))
        return this.create('chat_id', row.target, msgType, content, `${uuid.slice(0, 47)}-c`);
      this.check(r);
      return { platformMessageId: r.data?.message_id ?? null };
    }
    return this.create(row.targetType === 'user' ? 'open_id' : 'chat_id', row.target, msgType, content, uuid);
  }

  private async create(
    idType: 'chat_id' | 'open_id',
    receiveId: string,
    msgType: string,
    content: string,
    uuid: string,
  ): Promise<SendResult> {
    const r = (await this.client.im.message.create({
      params: { receive_id_type: idType },
      data: { receive_id: receiveId, msg_type: msgType, content, uuid },
    })) as FeishuResponse;
    this.check(r);
    return { platformMessageId: r.data?.message_id ?? null };
  }

  /** An HTTP 200 with a non-zero code is still a failure. */
  private check(r: FeishuResponse): void {
    if (!r || r.code === 0 || r.code === undefined) return;
    const detail = `code ${r.code}${r.msg ? ` ${r.msg}` : ''}`;
    if (RETRY_CODES.has(r.code) || TOKEN_CODES.has(r.code)) throw new DeliveryError(detail, 'retry');
    throw new DeliveryError(detail, 'permanent');
  }
}
