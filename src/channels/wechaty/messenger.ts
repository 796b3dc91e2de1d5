/**
 * Sending outbox rows through a logged-in Wechaty bot: `room.say` / `contact.say` with the text, then each attached
 * file or image as a FileBox. Sends are spaced (WeChat flags accounts that send in bursts); a long reply goes out as
 * numbered pages. While the bot is logged out a row waits (DeliveryError 'offline': retried later without using up its
 * attempts) and goes out after login.
 */
import type { Logger } from '../../ports/logger.js';
import { type FileBlock, isFileBlock, withoutFiles } from '../../domain/reply.js';
import { DeliveryError, type Messenger, type SendOptions, type SendResult } from '../../ports/messenger.js';
import type { OutboxRow } from '../../ports/store.js';
import type { WxContact } from './inbound.js';
import { paginate, wechatyText } from './text.js';

/** What a conversation is told: text, or a file (a FileBox from the `file-box` package Wechaty uses). */
export interface WxSayer {
  say(content: string | object): Promise<unknown>;
}

/** The part of a logged-in Wechaty bot the messenger uses. */
export interface WxSendingBot {
  Room: { find(q: { id: string }): Promise<(WxSayer & { id: string }) | undefined> };
  Contact: { find(q: { id: string } | { weixin: string }): Promise<(WxSayer & WxContact) | undefined> };
}

export interface WechatyMessengerOptions {
  /** least time between two sends, pages included */
  sendIntervalMs: number;
  pageChars: number;
  /** while logged out, look at a waiting row again after this long */
  offlineRetryMs: number;
  /** the bot when logged in, else null */
  bot(): WxSendingBot | null;
  log: Logger;
  /** waiting between sends (tests may pass a faster one) */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class WechatyMessenger implements Messenger {
  private lastSentAt = 0;
  /** pages already sent of a row whose later page failed, so a retry does not repeat them (this process only) */
  private readonly progress = new Map<number, number>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  /** number of messages sent (for /healthz and logs) */
  sent = 0;

  constructor(private readonly opts: WechatyMessengerOptions) {
    this.sleep = opts.sleep ?? realSleep;
    this.now = opts.now ?? Date.now;
  }

  private offline(): DeliveryError {
    return new DeliveryError('微信机器人未登录：登录后发送', 'offline', this.opts.offlineRetryMs);
  }

  private async conversation(bot: WxSendingBot, row: OutboxRow, original: OutboxRow | null): Promise<WxSayer> {
    // A card update cannot be edited in WeChat: it is sent as a new message to where the card went.
    const kind = row.targetType === 'update' ? (original?.targetType ?? 'chat') : row.targetType;
    const target = row.targetType === 'update' && original ? original.target : row.target;
    const asContact = kind === 'user';
    try {
      if (asContact) {
        const c = target.startsWith('weixin:')
          ? await bot.Contact.find({ weixin: target.slice('weixin:'.length) })
          : await bot.Contact.find({ id: target });
        if (c) return c;
      } else {
        const r = await bot.Room.find({ id: target });
        if (r) return r;
      }
    } catch (e) {
      throw new DeliveryError(
        `微信查找${asContact ? '联系人' : '群'}失败：${e instanceof Error ? e.message : String(e)}`,
        'retry',
      );
    }
    throw new DeliveryError(
      asContact
        ? '找不到该微信联系人（可能已不是好友，或需重新绑定）'
        : '找不到该微信群（机器人可能已不在群里，或需重新绑定群）',
      'permanent',
    );
  }

  async send(row: OutboxRow, { original, files }: SendOptions): Promise<SendResult> {
    const bot = this.opts.bot();
    if (!bot) throw this.offline();
    const to = await this.conversation(bot, row, original);
    const attached = row.payload.blocks.filter(isFileBlock);
    const payload = attached.length && files ? withoutFiles(row.payload) : row.payload;
    const text = payload.blocks.length || payload.title !== undefined ? wechatyText(payload) : '';
    const parts: (string | FileBlock)[] = [
      ...(text ? paginate(text, this.opts.pageChars) : []),
      ...(files ? attached : []),
    ];
    for (let i = this.progress.get(row.id) ?? 0; i < parts.length; i++) {
      const part = parts[i]!;
      const content = typeof part === 'string' ? part : await fileBox(part, files!);
      const wait = this.lastSentAt + this.opts.sendIntervalMs - this.now();
      if (wait > 0) await this.sleep(wait);
      if (!this.opts.bot()) throw this.offline();
      try {
        await to.say(content);
      } catch (e) {
        if (i > 0) this.progress.set(row.id, i);
        if (!this.opts.bot()) throw this.offline();
        throw new DeliveryError(`微信发送失败：${e instanceof Error ? e.message : String(e)}`, 'retry');
      } finally {
        this.lastSentAt = this.now();
      }
      this.sent++;
    }
    this.progress.delete(row.id);
    // WeChat gives no id we could use later; the row's own id marks it sent (a later update goes out as a new message).
    return { platformMessageId: `wechaty:${row.id}` };
  }
}

/** A stored file as a FileBox (the `file-box` package is loaded only when a file is sent). */
async function fileBox(b: FileBlock, files: NonNullable<SendOptions['files']>): Promise<object> {
  const f = await files.get(b.fileId);
  if (!f) throw new DeliveryError(`file ${b.fileId} not found`, 'permanent');
  const { FileBox } = await import('file-box');
  // base64 rather than a buffer: it survives toJSON(), which puppets that relay files (a puppet service) need
  return FileBox.fromBase64(Buffer.from(f.bytes).toString('base64'), b.type === 'file' ? b.name || f.name : f.name);
}
