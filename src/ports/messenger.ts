/** Sending one queued message through a platform (Feishu, WeCom). Implemented by each channel's outbound client. */
import type { OutboxRow } from './store.js';

export interface SendResult {
  /** the platform's id for the sent message (needed to update a card later) */
  platformMessageId: string | null;
}

export interface Messenger {
  /**
   * Send `row`. For targetType 'update', `original` is the already-sent message whose card is replaced.
   * `idempotencyKey` is the same on every attempt of this row, so a platform that de-duplicates by it sends once.
   * Throws DeliveryError to say whether and when to retry; any other error counts as retryable.
   */
  send(row: OutboxRow, opts: { idempotencyKey: string; original: OutboxRow | null }): Promise<SendResult>;
}

/** 'offline': the channel cannot send now (a bot logged out); retried after retryAfterMs without using up an attempt */
export type DeliveryFailure = 'retry' | 'permanent' | 'offline';

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly kind: DeliveryFailure,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
