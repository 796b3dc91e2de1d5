/** What a channel turns a platform request into: who wrote what, where, mentioning whom. */
import type { ChannelName, Identity } from '../domain/model.js';
import type { InboundAttachment } from './attachments.js';

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
  /** a file the sender sent (the text is then empty); its bytes come from the channel's AttachmentSource */
  attachment?: InboundAttachment;
}
