/**
 * The outbound Feishu client: the official SDK's Client with `FEISHU_BASE_URL` as its domain. Sends replies
 * (as a reply to the command message), notifications (to a chat id or an open_id) and card updates (patch), each with
 * the outbox row's idempotency key as Feishu's `uuid`. Failures are classified for the delivery loop: network errors,
 * 5xx and rate limits are retried; a bad request is not. The SDK's own logging is routed through ours and stripped of
 * request details (it would otherwise print the app secret and bearer tokens).
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { FeishuConfig } from './config.js';
import type { Logger } from '../../ports/logger.js';
import { DeliveryError, type Messenger, type SendResult } from '../../ports/messenger.js';
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

/** Only what is safe to log from whatever the SDK hands its logger. */
function scrub(args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const texts: string[] = [];
  for (const a of args) {
    if (typeof a === 'string') texts.push(a.slice(0, 300));
    else if (a && typeof a === 'object') {
      const e = a as AxiosLike;
      if (e.message) texts.push(String(e.message).slice(0, 300));
      if (e.response?.status) out.status = e.response.status;
      const d = e.response?.data as { code?: unknown; msg?: unknown } | undefined;
      if (d && typeof d === 'object') {
        if (typeof d.code === 'number') out.feishuCode = d.code;
        if (typeof d.msg === 'string') out.feishuMsg = d.msg.slice(0, 200);
      }
    }
  }
  out.sdk = texts
    .join(' ')
    .replace(/(Bearer\s+)[\w.-]+/gi, '$1[redacted]')
    .replace(/(app_secret["'=:\s]+)[^\s,"'}]+/gi, '$1[redacted]');
  return out;
}

export function sdkLogger(log: Logger): lark.Logger {
  return {
    error: (...a: unknown[]) => log.error(scrub(a), 'feishu sdk'),
    warn: (...a: unknown[]) => log.warn(scrub(a), 'feishu sdk'),
    info: (...a: unknown[]) => log.debug(scrub(a), 'feishu sdk'),
    debug: (...a: unknown[]) => log.debug(scrub(a), 'feishu sdk'),
    trace: () => {},
  };
}

function classify(e: unknown): DeliveryError {
  const ax = e as AxiosLike;
  if (e instanceof DeliveryError) return e;
  if (ax?.isAxiosError) {
    const status = ax.response?.status;
    const body = ax.response?.data as FeishuResponse | undefined;
    const code = body?.code;
    const detail = `HTTP ${status ?? ax.code ?? 'error'}${code !== undefined ? ` code ${code}` : ''}${body?.msg ? ` ${body.msg}` : ''}`;
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

export class FeishuMessenger implements Messenger {
  readonly client: lark.Client;
  private readonly cache = new lark.DefaultCache();
  private botOpenId: string | null = null;

  constructor(
    config: FeishuConfig,
    private readonly log: Logger,
  ) {
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

  async send(row: OutboxRow, opts: { idempotencyKey: string; original: OutboxRow | null }): Promise<SendResult> {
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

  private async attempt(
    row: OutboxRow,
    opts: { idempotencyKey: string; original: OutboxRow | null },
  ): Promise<SendResult> {
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
    const { msgType, content } = renderFeishu(row.payload);
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
