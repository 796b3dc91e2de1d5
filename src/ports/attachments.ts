/**
 * Files users send the bot. A channel turns a file message into an InboundMessage with an `attachment`, and offers
 * an AttachmentSource that downloads its bytes when a command asks (Feishu: the message resource; WeCom: media/get).
 */
import type { ChannelName } from '../domain/model.js';

export interface InboundAttachment {
  kind: 'file';
  /** the file name as the sender's client gave it */
  name: string;
  /** the platform's handle for the bytes (Feishu file_key, WeCom media_id) */
  ref: string;
}

/** The download was refused: too large, gone, or the platform failed. `message` is short Chinese for the user. */
export class AttachmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AttachmentError';
  }
}

export interface AttachmentSource {
  /**
   * The bytes of an attachment of message `messageId`, at most `maxBytes` (larger: AttachmentError, and the download
   * is abandoned as soon as the limit is passed).
   */
  fetch(messageId: string, attachment: InboundAttachment, maxBytes: number): Promise<Uint8Array>;
}

export type AttachmentSources = Partial<Record<ChannelName, AttachmentSource>>;
