/**
 * WeCom callbacks turned into the core's inputs: a direct-chat message to the self-built app (decrypted XML) into an
 * InboundMessage, a template-card button click into a CardActionInput, an AI bot message (decrypted JSON) into an
 * InboundMessage for its group or single chat. Nothing here trusts a field for identity beyond the sender WeCom signed.
 */
import type { CardActionInput, InboundMessage } from '../../ports/inbound.js';

export type AppInbound =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'card'; input: CardActionInput; taskId: string; responseCode: string | null }
  | { kind: 'ignore'; reason: string };

const USER_ID = /^[A-Za-z0-9_.@-]{1,64}$/;
const MSG_ID = /^\d{1,20}$/;
const TASK_ID = /^[0-9A-Za-z_\-@]{1,128}$/;

/** The app's decrypted callback XML fields (parseFlatXml) → what the core handles. */
export function fromAppXml(x: Record<string, string>): AppInbound {
  const from = x.FromUserName ?? '';
  if (!USER_ID.test(from)) return { kind: 'ignore', reason: 'no valid FromUserName' };
  const chat = { channel: 'wecom' as const, id: from, type: 'p2p' as const };
  const sender = { channel: 'wecom' as const, externalId: from };
  const type = x.MsgType ?? '';
  if (type === 'event') {
    const event = x.Event ?? '';
    if (event !== 'template_card_event') return { kind: 'ignore', reason: `event ${event.slice(0, 40)}` };
    const taskId = x.TaskId ?? '';
    const key = x.EventKey ?? '';
    if (!TASK_ID.test(taskId) || key === '' || key.length > 1024)
      return { kind: 'ignore', reason: 'template_card_event without a task id or key' };
    let value: Record<string, unknown> = {};
    try {
      const v: unknown = JSON.parse(key);
      if (v && typeof v === 'object' && !Array.isArray(v)) value = v as Record<string, unknown>;
    } catch {
      value = {};
    }
    const created = /^\d{1,12}$/.test(x.CreateTime ?? '') ? (x.CreateTime as string) : '0';
    return {
      kind: 'card',
      taskId,
      responseCode: x.ResponseCode && x.ResponseCode.length <= 512 ? x.ResponseCode : null,
      input: {
        ...(x.ResponseCode && x.ResponseCode.length <= 512 ? { updateToken: x.ResponseCode } : {}),
        eventId: `card:${from}:${created}:${taskId}:${key.slice(0, 200)}`,
        operator: sender,
        value,
        form: {},
        messageId: taskId,
        chat,
      },
    };
  }
  const msgId = x.MsgId ?? '';
  if (!MSG_ID.test(msgId)) return { kind: 'ignore', reason: 'message without a MsgId' };
  // MsgId is a 64-bit integer: kept as the string it arrived as.
  const text = type === 'text' ? (x.Content ?? '').slice(0, 10_000) : '';
  return { kind: 'message', message: { eventId: `msg:${msgId}`, chat, sender, text, mentions: [] } };
}

export interface BotMessage {
  msgid: string;
  chatId: string | null;
  chatType: 'group' | 'single';
  userId: string;
  responseUrl: string | null;
  text: string;
}

/** The AI bot's decrypted JSON → its fields, or null when it is not a message the bot answers. */
export function parseBotJson(raw: string): BotMessage | { ignore: string } {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return { ignore: 'not JSON' };
  }
  if (!v || typeof v !== 'object') return { ignore: 'not an object' };
  const o = v as Record<string, unknown>;
  const from = o.from as Record<string, unknown> | undefined;
  const userId = typeof from?.userid === 'string' ? from.userid : '';
  const msgid = typeof o.msgid === 'string' ? o.msgid : '';
  if (!USER_ID.test(userId) || !/^[A-Za-z0-9_\-=+/]{1,128}$/.test(msgid)) return { ignore: 'no sender or msgid' };
  const chatType = o.chattype === 'group' ? 'group' : 'single';
  const chatId = typeof o.chatid === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(o.chatid) ? o.chatid : null;
  if (chatType === 'group' && !chatId) return { ignore: 'group message without a chatid' };
  const responseUrl = typeof o.response_url === 'string' ? o.response_url : null;
  let text = '';
  if (o.msgtype === 'text') {
    const t = o.text as Record<string, unknown> | undefined;
    text = typeof t?.content === 'string' ? t.content.slice(0, 10_000) : '';
  } else if (o.msgtype === 'mixed' || o.msgtype === 'image' || o.msgtype === 'voice' || o.msgtype === 'file') {
    text = '';
  } else return { ignore: `msgtype ${String(o.msgtype).slice(0, 20)}` };
  return { msgid, chatId, chatType, userId, responseUrl, text };
}

/**
 * Strip the @mention of the bot: WeCom puts `@机器人名` into the text wherever the user tapped it. A leading mention is
 * dropped, and when the bot's name is known, that mention anywhere.
 */
export function stripBotMention(text: string, botName?: string | null): string {
  let t = text.replace(/\u2005/g, ' ');
  if (botName) t = t.split(`@${botName}`).join(' ');
  const m = /^\s*@\S+\s+(?=[/／])/.exec(t);
  if (m) t = t.slice(m[0].length);
  return t.trim();
}

export function fromBot(b: BotMessage, botName?: string | null): InboundMessage {
  const group = b.chatType === 'group' && b.chatId;
  return {
    eventId: `bot:${b.msgid}`,
    // the reply goes to the message's response_url (by its msgid), see client.ts
    messageId: b.msgid,
    chat: { channel: 'wecom', id: group ? (b.chatId as string) : b.userId, type: group ? 'group' : 'p2p' },
    sender: { channel: 'wecom', externalId: b.userId },
    text: stripBotMention(b.text, botName),
    mentions: [],
  };
}
