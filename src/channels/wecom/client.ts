/**
 * The outbound WeCom client: plain fetch against `WECOM_BASE_URL` (no maintained server SDK exists).
 * - `gettoken`, the token kept in the database (channel_state) so that the server and the CLI share it, fetched
 *   again on 40014 / 42001 and the call retried once;
 * - `message/send` to a user (text, or a `button_interaction` template card whose `task_id` is the row's
 *   idempotency key), with `enable_duplicate_check` as the guard against a retry sending twice;
 * - `message/update_template_card` with the card's one-use response code (the latest click's, else the one the
 *   send returned), which replaces the card in place; without a code the outcome is sent as a text message;
 * - group push webhooks (`webhook/send?key=…`, markdown) for a bound WeCom group, and an AI bot message's
 *   `response_url` for a reply in the group it came from;
 * - a reply's files and images after its text, each uploaded and sent as its own message (media.ts).
 * Errors are classified for the delivery loop: -1, 45009, 45033, HTTP 5xx and network errors are retried with
 * back-off; 60020, 81013, 93000, 40001 and other codes fail permanently with what an admin should do. Sends are spaced
 * to WeCom's limits (30 a minute per user, 20 a minute per group push webhook), never dropped.
 */
import { type Logger, redactText } from '../../ports/logger.js';
import type { ChannelState } from '../../ports/channel-state.js';
import { DeliveryError, type Messenger, type SendOptions, type SendResult } from '../../ports/messenger.js';
import type { OutboxRow } from '../../ports/store.js';
import { type FileBlock, isFileBlock, type Reply, renderText, withoutFiles } from '../../domain/reply.js';
import { appMessage, cutBytes, markdown, MAX_TEXT_BYTES, updatedCard } from './card.js';
import type { WecomConfig } from './config.js';
import {
  checkSize,
  inlineImage,
  MAX_APP_IMAGE_BYTES,
  MAX_WEBHOOK_IMAGE_BYTES,
  mediaKind,
  uploadMedia,
  webhookUploadUrl,
} from './media.js';

const HTTP_TIMEOUT_MS = 15_000;
const RETRY_CODES = new Set([-1, 45009, 45033]);
const TOKEN_CODES = new Set([40014, 42001]);
/** what an admin should do about a permanent failure, shown in /提醒 失败 */
const ADVICE: Record<number, string> = {
  60020: '服务器出口 IP 不在企业可信 IP 中：请在企业微信管理后台 应用管理→本应用→企业可信IP 中加入服务器的出口 IP',
  81013: '接收人不存在或不在应用可见范围：请核对此人登记的 wecom:userid，并把他加入应用的可见范围',
  93000:
    '群推送地址无效（消息推送已被移除或 key 有误）：请在该群重新添加消息推送，并用 /单位 绑定群 单位=… 推送地址=… 更新',
  40001: 'Secret 无效：请核对 WECOM_SECRET 是否为本应用的 Secret',
  40013: 'CorpID 无效：请核对 WECOM_CORP_ID',
};
export const CARD_CODE_TTL_MS = 72 * 3_600_000;
const TASK_TTL_MS = 30 * 86_400_000;
const RESPONSE_URL_TTL_MS = 3_600_000;
/** said where a reply's files cannot be sent (an AI bot group without a push webhook) */
const NO_FILE_ROUTE =
  '文件无法发到本群（本群未登记消息推送地址）：请在单聊中向应用发送同一命令，或请管理员在群里 /单位 绑定群 单位=… 推送地址=…';

/** Keys in channel_state. */
export const stateKeys = {
  token: (corpId: string, agentId: number) => `wecom:token:${corpId}:${agentId}`,
  /** task id → the outbox dedupe key of the card it belongs to */
  task: (taskId: string) => `wecom:task:${taskId}`,
  sentCode: (taskId: string) => `wecom:rc:sent:${taskId}`,
  clickCode: (taskId: string) => `wecom:rc:click:${taskId}`,
  /** how many parts of a reply with files are sent (and the first part's message id), by task id */
  parts: (taskId: string) => `wecom:parts:${taskId}`,
  /** an AI bot message's response_url, by its msgid (the outbox row's replyTo) */
  responseUrl: (msgId: string) => `wecom:response_url:${msgId}`,
};

/** A card's task id: the row's idempotency key, which is unique and made of [0-9A-Za-z-]. */
export const taskIdOf = (row: OutboxRow): string => `gm-${row.id}-${row.createdAt.getTime().toString(36)}`;

/** A bound WeCom group's push webhook and the unit it belongs to. */
export interface GroupWebhook {
  url: string;
  unitName: string;
}

interface WecomResponse {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  msgid?: string;
  response_code?: string;
  invaliduser?: string;
}

function failure(code: number, msg: string | undefined, where: string): DeliveryError {
  // the platform's text may quote a token; it is logged and shown to admins (/提醒 失败)
  const detail = `${where} errcode ${code}${msg ? ` ${redactText(String(msg).slice(0, 120))}` : ''}`;
  if (RETRY_CODES.has(code)) return new DeliveryError(detail, 'retry');
  if (TOKEN_CODES.has(code)) return new DeliveryError(detail, 'retry');
  const advice = ADVICE[code];
  return new DeliveryError(advice ? `${advice}（${detail}）` : detail, 'permanent');
}

/** Sliding one-minute windows per target: wait for a free slot, never drop. */
export class RateSpacer {
  private readonly sent = new Map<string, number[]>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Take a slot for `key` (at most `perMinute` a minute); waits up to `maxWaitMs`, else says how long to wait. */
  async take(key: string, perMinute: number, maxWaitMs = 5_000): Promise<number> {
    for (;;) {
      const t = this.now();
      const times = (this.sent.get(key) ?? []).filter((x) => x > t - 60_000);
      if (times.length < perMinute) {
        times.push(t);
        this.sent.set(key, times);
        return 0;
      }
      const wait = (times[0] ?? t) + 60_000 - t + 5;
      if (wait > maxWaitMs) return wait;
      await this.sleep(wait);
    }
  }
}

export class WecomMessenger implements Messenger {
  private token: { value: string; expiresAt: number } | null = null;
  private tokenFetch: Promise<string> | null = null;
  readonly spacer: RateSpacer;

  constructor(
    private readonly config: WecomConfig,
    private readonly state: ChannelState,
    private readonly log: Logger,
    opts: { spacer?: RateSpacer; now?: () => Date; webhookFor?: (chatId: string) => Promise<GroupWebhook | null> } = {},
  ) {
    this.spacer = opts.spacer ?? new RateSpacer();
    this.now = opts.now ?? (() => new Date());
    this.webhookFor = opts.webhookFor ?? (async () => null);
  }

  private readonly now: () => Date;
  /** a bound WeCom group's push webhook address (unit_chats.push_url) */
  private readonly webhookFor: (chatId: string) => Promise<GroupWebhook | null>;

  private async http(method: 'GET' | 'POST', url: string, body?: unknown): Promise<WecomResponse> {
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
      });
    } catch (e) {
      throw new DeliveryError(`network: ${e instanceof Error ? e.message : String(e)}`, 'retry');
    }
    if (res.status >= 500 || res.status === 429)
      throw new DeliveryError(`HTTP ${res.status}`, 'retry', res.status === 429 ? 10_000 : undefined);
    if (!res.ok) throw new DeliveryError(`HTTP ${res.status}`, 'permanent');
    try {
      return (await res.json()) as WecomResponse;
    } catch {
      throw new DeliveryError('the answer is not JSON', 'retry');
    }
  }

  private get app() {
    const app = this.config.app;
    if (!app) throw new DeliveryError('the WeCom app is not configured (WECOM_CORP_ID …)', 'permanent');
    return app;
  }

  /** The access token: from memory, else the database, else gettoken (one fetch at a time). */
  async accessToken(): Promise<string> {
    const now = this.now();
    if (this.token && this.token.expiresAt > now.getTime()) return this.token.value;
    const app = this.app;
    const key = stateKeys.token(app.corpId, app.agentId);
    const stored = await this.state.get(key, now);
    if (stored) {
      const [value, exp] = stored.split('|');
      if (value && Number(exp) > now.getTime()) {
        this.token = { value, expiresAt: Number(exp) };
        return value;
      }
    }
    this.tokenFetch ??= (async () => {
      try {
        const url = `${this.config.baseUrl}/cgi-bin/gettoken?corpid=${encodeURIComponent(app.corpId)}&corpsecret=${encodeURIComponent(app.secret)}`;
        const r = await this.http('GET', url);
        if (r.errcode !== 0 || !r.access_token) throw failure(r.errcode ?? -1, r.errmsg, 'gettoken');
        // Keep a margin before WeCom's expiry (normally 7200 s).
        const expiresAt = this.now().getTime() + Math.max(60, (r.expires_in ?? 7200) - 300) * 1000;
        this.token = { value: r.access_token, expiresAt };
        await this.state.put(key, `${r.access_token}|${expiresAt}`, new Date(expiresAt), this.now());
        this.log.info({ expiresInS: r.expires_in }, 'wecom access token fetched');
        return r.access_token;
      } finally {
        this.tokenFetch = null;
      }
    })();
    return this.tokenFetch;
  }

  private async dropToken(): Promise<void> {
    this.token = null;
    const app = this.app;
    await this.state.delete(stateKeys.token(app.corpId, app.agentId));
  }

  /** Call an API with the access token; on 40014 / 42001 fetch a new token and try once more. */
  async call(path: string, body: unknown): Promise<WecomResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const r = await this.http(
        'POST',
        `${this.config.baseUrl}${path}?access_token=${encodeURIComponent(token)}`,
        body,
      );
      if (r.errcode !== undefined && TOKEN_CODES.has(r.errcode)) {
        await this.dropToken();
        if (attempt === 0) {
          this.log.info({ errcode: r.errcode }, 'wecom access token expired; fetching a new one');
          continue;
        }
      }
      return r;
    }
  }

  async send(row: OutboxRow, opts: SendOptions): Promise<SendResult> {
    if (row.targetType === 'update') return this.update(row, opts.original);
    const attached = row.payload.blocks.filter(isFileBlock);
    if (attached.length === 0) return this.sendMain(row);
    return this.sendWithFiles(row, attached, opts.files);
  }

  private sendMain(row: OutboxRow): Promise<SendResult> {
    if (row.targetType === 'chat') return this.pushToGroup(row.target, row);
    if (row.targetType === 'reply' && row.replyTo) return this.replyInGroup(row.replyTo, row);
    // 'user', and 'reply' to a direct chat with the app (the target is the userid)
    return this.sendToUser(row.target, row, appMessage(row.payload, taskIdOf(row)));
  }

  /** Where a reply's files can go: the app to a user, a group's push webhook, or nowhere (an AI bot group without one). */
  private async fileRoute(row: OutboxRow): Promise<{ user: string } | { hook: GroupWebhook; chatId: string } | null> {
    if (row.targetType === 'user' || (row.targetType === 'reply' && !row.replyTo)) return { user: row.target };
    const hook = await this.webhookFor(row.target);
    return hook ? { hook, chatId: row.target } : null;
  }

  /**
   * The reply without its files first (text, card or markdown), then each file or image as its own message. The parts
   * already sent are recorded in channel_state, so a retry after a partial send (an upload failing) sends only the rest.
   */
  private async sendWithFiles(row: OutboxRow, attached: FileBlock[], files: SendOptions['files']): Promise<SendResult> {
    const route = await this.fileRoute(row);
    const key = stateKeys.parts(taskIdOf(row));
    const now = this.now();
    const saved = await this.state.get(key, now);
    const progress: { done: number; id: string | null } = saved ? JSON.parse(saved) : { done: 0, id: null };
    const record = async (): Promise<void> => {
      const t = this.now();
      await this.state.put(key, JSON.stringify(progress), new Date(t.getTime() + TASK_TTL_MS), t);
    };
    const rest: Reply = {
      ...row.payload,
      blocks: route ? withoutFiles(row.payload).blocks : [...row.payload.blocks, { type: 'note', text: NO_FILE_ROUTE }],
    };
    if (progress.done === 0) {
      if (rest.blocks.length > 0 || rest.title !== undefined)
        progress.id = (await this.sendMain({ ...row, payload: rest })).platformMessageId;
      progress.done = 1;
      await record();
    }
    if (!route) return { platformMessageId: progress.id };
    for (const [i, b] of attached.entries()) {
      if (progress.done > i + 1) continue;
      const f = files ? await files.get(b.fileId) : null;
      if (!f) throw new DeliveryError(`file ${b.fileId} not found`, 'permanent');
      const name = b.type === 'file' ? b.name || f.name : f.name;
      checkSize(name, f.bytes);
      if ('user' in route) await this.fileToUser(route.user, row, b, name, f.mime, f.bytes);
      else await this.fileToGroup(route.hook, route.chatId, b, name, f.mime, f.bytes);
      progress.done = i + 2;
      await record();
    }
    return { platformMessageId: progress.id };
  }

  /** Upload with the app's token (fetched again once on 40014 / 42001) and send the file or image to a user. */
  private async fileToUser(
    userId: string,
    row: OutboxRow,
    b: FileBlock,
    name: string,
    mime: string,
    bytes: Uint8Array,
  ): Promise<void> {
    const kind = mediaKind(b, mime, bytes.length, MAX_APP_IMAGE_BYTES);
    let mediaId: string | undefined;
    for (let attempt = 0; mediaId === undefined; attempt++) {
      const token = await this.accessToken();
      const r = await uploadMedia(
        `${this.config.baseUrl}/cgi-bin/media/upload?access_token=${encodeURIComponent(token)}&type=${kind}`,
        name,
        mime,
        bytes,
      );
      if (r.errcode === 0 && r.media_id) mediaId = r.media_id;
      else if (r.errcode !== undefined && TOKEN_CODES.has(r.errcode) && attempt === 0) await this.dropToken();
      else throw failure(r.errcode ?? -1, r.errmsg, 'media/upload');
    }
    await this.sendToUser(userId, row, { msgtype: kind, [kind]: { media_id: mediaId } });
  }

  /** A group's push webhook: an image inline (≤ 2 MB), anything else uploaded with the webhook's key and sent as a file. */
  private async fileToGroup(
    hook: GroupWebhook,
    chatId: string,
    b: FileBlock,
    name: string,
    mime: string,
    bytes: Uint8Array,
  ): Promise<void> {
    let message: Record<string, unknown>;
    if (mediaKind(b, mime, bytes.length, MAX_WEBHOOK_IMAGE_BYTES) === 'image') message = inlineImage(bytes);
    else {
      const r = await uploadMedia(webhookUploadUrl(hook.url), name, mime, bytes);
      if (r.errcode !== 0 || !r.media_id) throw this.groupFailure(hook, r, 'webhook/upload_media');
      message = { msgtype: 'file', file: { media_id: r.media_id } };
    }
    await this.space(`webhook:${chatId}`, 20);
    const r = await this.http('POST', hook.url, message);
    if (r.errcode !== 0) throw this.groupFailure(hook, r, 'webhook/send');
  }

  private groupFailure(hook: GroupWebhook, r: WecomResponse, where: string): DeliveryError {
    const err = failure(r.errcode ?? -1, r.errmsg, where);
    return err.kind === 'permanent'
      ? new DeliveryError(`「${hook.unitName}」工作群：${err.message}`, 'permanent')
      : err;
  }

  private async space(key: string, perMinute: number): Promise<void> {
    const wait = await this.spacer.take(key, perMinute);
    if (wait > 0)
      throw new DeliveryError(
        `spacing sends to ${key.split(':')[0]} (WeCom allows ${perMinute} a minute)`,
        'retry',
        wait,
      );
  }

  private async sendToUser(userId: string, row: OutboxRow, message: Record<string, unknown>): Promise<SendResult> {
    await this.space(`user:${userId}`, 30);
    const app = this.app;
    const r = await this.call('/cgi-bin/message/send', {
      touser: userId,
      agentid: app.agentId,
      ...message,
      enable_duplicate_check: 1,
      duplicate_check_interval: 600,
    });
    if (r.errcode !== 0) throw failure(r.errcode ?? -1, r.errmsg, 'message/send');
    if (r.invaliduser?.split('|').includes(userId)) throw failure(81013, `invaliduser ${userId}`, 'message/send');
    if (message.msgtype === 'template_card') {
      const taskId = taskIdOf(row);
      const now = this.now();
      if (row.dedupeKey)
        await this.state.put(
          stateKeys.task(taskId),
          JSON.stringify({ key: row.dedupeKey, user: userId }),
          new Date(now.getTime() + TASK_TTL_MS),
          now,
        );
      if (r.response_code)
        await this.state.put(
          stateKeys.sentCode(taskId),
          r.response_code,
          new Date(now.getTime() + CARD_CODE_TTL_MS),
          now,
        );
    }
    return { platformMessageId: r.msgid ?? null };
  }

  /** Replace a sent card with its record, using the latest one-use response code for it. */
  private async update(row: OutboxRow, original: OutboxRow | null): Promise<SendResult> {
    if (!original) throw new DeliveryError('no card to update', 'permanent');
    const taskId = taskIdOf(original);
    const now = this.now();
    // The row's own code (the click's), then the latest click's kept in channel_state, then the one the send returned.
    const candidates: { code: string; key: string | null }[] = [];
    if (row.updateToken) candidates.push({ code: row.updateToken, key: null });
    for (const key of [stateKeys.clickCode(taskId), stateKeys.sentCode(taskId)]) {
      const code = await this.state.get(key, now);
      if (code && !candidates.some((c) => c.code === code)) candidates.push({ code, key });
    }
    for (const { code, key } of candidates) {
      await this.space(`user:${original.target}`, 30);
      const r = await this.call('/cgi-bin/message/update_template_card', {
        userids: [original.target],
        agentid: this.app.agentId,
        response_code: code,
        template_card: updatedCard(row.payload, taskId),
      });
      if (r.errcode === 0) {
        // one use: neither this code nor an older one can update the card again
        await this.state.delete(stateKeys.clickCode(taskId));
        await this.state.delete(stateKeys.sentCode(taskId));
        return { platformMessageId: original.platformMessageId };
      }
      const err = failure(r.errcode ?? -1, r.errmsg, 'update_template_card');
      if (err.kind === 'retry') throw err;
      // the code was used up or expired: forget it and try the next one
      this.log.warn({ errcode: r.errcode, taskId }, 'card update code refused; trying the next one');
      if (key) await this.state.delete(key);
      else await this.state.delete(stateKeys.clickCode(taskId));
    }
    // No usable code (more than 72 hours, or none returned): tell the approver in a message instead.
    return this.sendToUser(original.target, row, {
      msgtype: 'text',
      text: { content: cutBytes(renderText(row.payload), MAX_TEXT_BYTES) },
    });
  }

  /** A bound WeCom group: its push webhook, markdown. */
  private async pushToGroup(chatId: string, row: OutboxRow): Promise<SendResult> {
    const hook = await this.webhookFor(chatId);
    const url = hook?.url;
    if (!url)
      throw new DeliveryError(
        '该企业微信群没有登记推送地址：请管理员在群里 @机器人 发送 /单位 绑定群 单位=… 推送地址=…',
        'permanent',
      );
    await this.space(`webhook:${chatId}`, 20);
    const r = await this.http('POST', url, { msgtype: 'markdown', markdown: { content: markdown(row.payload) } });
    if (r.errcode !== 0) throw this.groupFailure(hook, r, 'webhook/send');
    return { platformMessageId: null };
  }

  /** A reply to an AI bot message: one POST to its response_url (markdown). */
  private async replyInGroup(msgId: string, row: OutboxRow): Promise<SendResult> {
    const url = await this.state.get(stateKeys.responseUrl(msgId), this.now());
    if (!url) {
      // The reply address is used up or older than an hour: the group's push webhook, else nothing to answer with.
      if (await this.webhookFor(row.target)) return this.pushToGroup(row.target, row);
      throw new DeliveryError(
        'the reply address of this message has expired (one hour) and the group has no push webhook',
        'permanent',
      );
    }
    const r = await this.http('POST', url, { msgtype: 'markdown', markdown: { content: markdown(row.payload) } });
    if (r.errcode !== undefined && r.errcode !== 0) throw failure(r.errcode, r.errmsg, 'response_url');
    await this.state.delete(stateKeys.responseUrl(msgId));
    return { platformMessageId: null };
  }
}

export { RESPONSE_URL_TTL_MS };
