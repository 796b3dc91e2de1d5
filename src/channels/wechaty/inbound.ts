/**
 * A Wechaty message → the core's InboundMessage. A room message counts only when it @mentions the bot; a direct
 * message always. The bot's own messages, messages older than the login (replayed at login) and non-text room
 * messages are ignored; a direct non-text message is passed on as kind 'other' (the core answers with a usage hint).
 *
 * Only the few methods used here are described (structurally), so the wechaty package itself is loaded only when the
 * channel is on.
 */
import type { Identity } from '../../domain/model.js';
import type { InboundMention, InboundMessage } from '../../ports/inbound.js';

export interface WxContact {
  readonly id: string;
  name(): string;
  /** 1: a person; 2: an official account; 3: a corporation (types.Contact) */
  type?(): number;
  /** the WeChat ID the user chose, where the puppet knows it (wechaty ≥ 1.x: handle()) */
  handle?(): string | undefined | null;
}

export interface WxRoom {
  readonly id: string;
  topic(): Promise<string>;
  alias(contact: WxContact): Promise<string | undefined | null>;
}

export interface WxMessage {
  readonly id: string;
  text(): string;
  type(): number;
  talker(): WxContact;
  room(): WxRoom | undefined;
  self(): boolean;
  date(): Date;
  mentionList(): Promise<WxContact[]>;
  mentionSelf(): Promise<boolean>;
}

const CONTACT_UNKNOWN = 0;
const CONTACT_INDIVIDUAL = 1;

/** the mention separator WeChat puts after `@name` (four-per-em space) */
const AT_END = '[\\u2005\\u0020]|$';

/**
 * The id we keep for a contact: the puppet's contact id. Where that id lasts one login only (wechat4u's `@…` ids) and
 * the puppet knows the user's WeChat ID, that ID is kept instead, written `weixin:<id>`.
 */
export function stableContactId(c: WxContact): string {
  const weixin = c.handle?.();
  if (c.id.startsWith('@') && weixin) return `weixin:${weixin}`;
  return c.id;
}

export const wechatyIdentity = (c: WxContact): Identity => ({ channel: 'wechaty', externalId: stableContactId(c) });

export type WechatyInbound = { kind: 'message'; message: InboundMessage } | { kind: 'ignore'; reason: string };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replace the first `@name` (ended by a mention separator) in `text`; returns null when it is not there. */
function replaceMention(text: string, name: string, by: string): string | null {
  if (!name) return null;
  const re = new RegExp(`@${escapeRegExp(name)}(?=${AT_END})`);
  return re.test(text) ? text.replace(re, by) : null;
}

export interface InboundOptions {
  /** the message type number of plain text in this wechaty (types.Message.Text) */
  textType: number;
  /** when the bot logged in (platform time); older messages are replays */
  loginAt: Date | null;
  /** how much older than the login a message may be and still count (puppets round timestamps to seconds) */
  slackMs?: number;
  /** the bot's own contact id (its mention is removed, not passed on) */
  botId: string | null;
}

export async function toInbound(m: WxMessage, opts: InboundOptions): Promise<WechatyInbound> {
  if (m.self()) return { kind: 'ignore', reason: 'own message' };
  if (opts.loginAt && m.date().getTime() < opts.loginAt.getTime() - (opts.slackMs ?? 2_000))
    return { kind: 'ignore', reason: 'older than the login' };
  const talker = m.talker();
  // Official accounts and companies push articles and notices; only people talk to the bot.
  const kind = talker.type?.();
  if (kind !== undefined && kind !== CONTACT_INDIVIDUAL && kind !== CONTACT_UNKNOWN)
    return { kind: 'ignore', reason: 'not a person' };
  const sender = { ...wechatyIdentity(talker), name: talker.name() || null };
  const room = m.room();
  const isText = m.type() === opts.textType;

  if (!room) {
    return {
      kind: 'message',
      message: {
        eventId: m.id,
        chat: { channel: 'wechaty', id: sender.externalId, type: 'p2p' },
        sender,
        // a picture, a voice message, a file: the core answers it with how to use the bot
        kind: isText ? 'text' : 'other',
        text: isText ? m.text().replace(/\u2005/g, ' ') : '',
        mentions: [],
      },
    };
  }
  if (!isText) return { kind: 'ignore', reason: 'non-text room message' };
  if (!(await m.mentionSelf())) return { kind: 'ignore', reason: 'room message not addressed to the bot' };

  let text = m.text();
  const mentions: InboundMention[] = [];
  const list = await m.mentionList();
  let n = 0;
  for (const c of list) {
    const alias = (await room.alias(c).catch(() => null)) ?? null;
    const names = [...new Set([alias, c.name()].filter((x): x is string => !!x))];
    // The bot's own mention is not an argument wherever it stands.
    if (opts.botId !== null && c.id === opts.botId) {
      for (const name of names) {
        const t = replaceMention(text, name, ' ');
        if (t !== null) {
          text = t;
          break;
        }
      }
      continue;
    }
    const key = `_wx_${++n}`;
    for (const name of names) {
      const t = replaceMention(text, name, `@${key}`);
      if (t !== null) {
        text = t;
        break;
      }
    }
    mentions.push({ key, identity: wechatyIdentity(c), name: alias ?? (c.name() || null) });
  }
  const title = await room.topic().catch(() => null);
  return {
    kind: 'message',
    message: {
      eventId: m.id,
      chat: { channel: 'wechaty', id: room.id, type: 'group', title },
      sender,
      kind: 'text',
      text: text.replace(/\u2005/g, ' '),
      mentions,
    },
  };
}
