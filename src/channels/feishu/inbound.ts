/**
 * Feishu events → the core's InboundMessage; card callbacks → a CardActionInput. Only the fields we use are read,
 * each checked, so a malformed event is dropped rather than half-used.
 */
import { z } from 'zod';
import type { CardActionInput } from '../../ports/inbound.js';
import type { InboundMention, InboundMessage } from '../../ports/inbound.js';
import type { FeishuEnvelope } from './verify.js';

const userId = z.object({ open_id: z.string().min(1).max(128) }).loose();

const messageEvent = z.object({
  sender: z.object({ sender_id: userId.optional(), sender_type: z.string().optional() }).loose(),
  message: z
    .object({
      message_id: z.string().min(1).max(128),
      chat_id: z.string().min(1).max(128),
      chat_type: z.string(),
      message_type: z.string(),
      content: z.string().max(200_000),
      mentions: z
        .array(z.object({ key: z.string(), id: userId.partial().loose(), name: z.string().optional() }).loose())
        .optional(),
    })
    .loose(),
});

const cardEvent = z.object({
  operator: userId,
  action: z
    .object({
      value: z.record(z.string(), z.unknown()).optional(),
      form_value: z.record(z.string(), z.unknown()).optional(),
    })
    .loose(),
  context: z.object({ open_message_id: z.string().optional(), open_chat_id: z.string().optional() }).loose().optional(),
});

/** Plain text of a text or rich-text ('post') message. */
function messageText(type: string, content: string): string | null {
  try {
    const c: unknown = JSON.parse(content);
    if (type === 'text')
      return typeof (c as { text?: unknown }).text === 'string' ? (c as { text: string }).text : null;
    if (type === 'post') {
      // {"title": "...", "content": [[{"tag":"text","text":"..."},{"tag":"at","user_id":"@_user_1"}]]} (possibly per locale)
      const root = c as Record<string, unknown>;
      const post =
        (Array.isArray(root.content)
          ? root
          : (Object.values(root).find(
              (v) => v && typeof v === 'object' && Array.isArray((v as Record<string, unknown>).content),
            ) as Record<string, unknown> | undefined)) ?? null;
      if (!post) return null;
      const lines = (post.content as unknown[]).map((line) =>
        Array.isArray(line)
          ? line
              .map((el) => {
                const e = el as Record<string, unknown>;
                if (e.tag === 'text' && typeof e.text === 'string') return e.text;
                if (e.tag === 'at' && typeof e.user_id === 'string') return e.user_id;
                if (e.tag === 'a' && typeof e.href === 'string') return e.href;
                return '';
              })
              .join('')
          : '',
      );
      return lines.join('\n');
    }
  } catch {
    return null;
  }
  return null;
}

export type FeishuInbound = { kind: 'message'; message: InboundMessage } | { kind: 'ignore'; reason: string };

export function toInboundMessage(env: FeishuEnvelope, botOpenId: string | null): FeishuInbound {
  const eventId = env.header?.event_id;
  if (!eventId) return { kind: 'ignore', reason: 'no event id' };
  const parsed = messageEvent.safeParse(env.event);
  if (!parsed.success) return { kind: 'ignore', reason: 'malformed message event' };
  const { sender, message } = parsed.data;
  if (sender.sender_type && sender.sender_type !== 'user')
    return { kind: 'ignore', reason: `sender is ${sender.sender_type}` };
  const senderId = sender.sender_id?.open_id;
  if (!senderId) return { kind: 'ignore', reason: 'no sender open_id' };
  const chatType = message.chat_type === 'p2p' ? 'p2p' : 'group';
  const base = {
    eventId,
    messageId: message.message_id,
    chat: { channel: 'feishu', id: message.chat_id, type: chatType },
    sender: { channel: 'feishu', externalId: senderId },
  } as const;
  const text = messageText(message.message_type, message.content);
  // A picture, a file, a sticker: the core decides what to answer.
  if (text === null) return { kind: 'message', message: { ...base, text: '', mentions: [], kind: 'other' } };
  const mentions: InboundMention[] = [];
  let body = text;
  for (const m of message.mentions ?? []) {
    const key = m.key.replace(/^@/, '');
    if (botOpenId && m.id.open_id === botOpenId) {
      // The bot's own mention is not an argument wherever it stands.
      body = body.split(m.key).join(' ');
      continue;
    }
    mentions.push({
      key,
      identity: m.id.open_id ? { channel: 'feishu', externalId: m.id.open_id } : null,
      name: m.name ?? null,
    });
  }
  return { kind: 'message', message: { ...base, text: body, mentions } };
}

export function toCardAction(env: FeishuEnvelope): CardActionInput | null {
  const eventId = env.header?.event_id;
  const parsed = cardEvent.safeParse(env.event);
  if (!eventId || !parsed.success) return null;
  const e = parsed.data;
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(e.action.form_value ?? {})) if (typeof v === 'string') form[k] = v;
  return {
    eventId,
    operator: { channel: 'feishu', externalId: e.operator.open_id },
    value: e.action.value ?? {},
    form,
    messageId: e.context?.open_message_id ?? null,
    // A callback does not say whether the chat is a group; 'group' is the cautious reading (phones stay masked).
    chat: { channel: 'feishu', id: e.context?.open_chat_id ?? e.operator.open_id, type: 'group' },
  };
}
