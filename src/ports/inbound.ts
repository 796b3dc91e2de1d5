/**
 * What a channel turns a platform request into: a message (who wrote what, where, mentioning whom), or a card button
 * click (who clicked which button) and what the platform shows back at once.
 */
import type { ChannelName, Identity } from '../domain/model.js';
import type { Reply } from '../domain/reply.js';

export interface InboundMention {
  /** the token as it stands in the text after '@' (Feishu: `_user_1`; console: `feishu:ou_x` or a name) */
  key: string;
  identity: Identity | null;
  name: string | null;
}

export interface ChatRef {
  /** the channel the reply goes back through */
  channel: ChannelName;
  id: string;
  type: 'group' | 'p2p';
  /** the chat's name where the platform tells it with the message (a WeChat room's topic) */
  title?: string | null;
}

export interface InboundMessage {
  /** platform event id, for de-duplication of retries (absent in the console) */
  eventId?: string;
  /** platform message id, to reply to */
  messageId?: string;
  chat: ChatRef;
  sender: Identity & { name?: string | null };
  text: string;
  mentions: InboundMention[];
  /** 'other': a picture, a file, a sticker … (the text is empty); the core answers with how to use the bot */
  kind?: 'text' | 'other';
}

export interface CardActionInput {
  eventId: string;
  operator: Identity;
  /** the button's value as the platform returns it (untrusted for identity) */
  value: Record<string, unknown>;
  /** form inputs (e.g. a comment box) */
  form: Record<string, string>;
  /** the card's message id */
  messageId: string | null;
  chat: ChatRef;
  /** a one-use token the platform gives with the click to update that card later (WeCom's ResponseCode) */
  updateToken?: string;
}

export type ToastType = 'success' | 'info' | 'warning' | 'error';

export interface ActionResult {
  /** a short notice where the platform shows one (Feishu); channels without toasts may drop it */
  toast: { type: ToastType; text: string };
  /** the card as it should look now (replaces the clicked card), if it changed */
  card?: Reply;
}
