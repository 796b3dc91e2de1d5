/**
 * Small expiring values a channel keeps in the database so that every process (the server, the CLI) shares them:
 * a platform access token, a card's one-use update code, a message's reply address.
 */
export interface ChannelState {
  /** the value, or null when absent or expired at `now` */
  get(key: string, now: Date): Promise<string | null>;
  put(key: string, value: string, expiresAt: Date, now: Date): Promise<void>;
  delete(key: string): Promise<void>;
  /** forget every value expired at `now` */
  purgeExpired(now: Date): Promise<void>;
}
