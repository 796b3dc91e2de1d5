/**
 * Verifying and opening what Feishu POSTs to us, with the official SDK: `generateChallenge` for url_verification,
 * the SDK's request handler for the signature (sha256 of timestamp + nonce + EncryptKey + body), and its AESCipher to
 * decrypt. The SDK does not look at the timestamp, so that check is ours: a request older than the event-id retention
 * (or from the future) is refused, and within the retention a replay is caught by the event id.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { FeishuConfig } from './config.js';

export const MAX_SKEW_FUTURE_MS = 5 * 60_000;
/** event ids are kept at least this long, so an older signed request is refused outright */
export const EVENT_RETENTION_MS = 7 * 86_400_000;

export type Opened =
  | { kind: 'challenge'; challenge: string }
  | { kind: 'event'; body: FeishuEnvelope }
  | { kind: 'reject'; status: 400 | 401 | 403; reason: string };

export interface FeishuEnvelope {
  schema?: string;
  type?: string;
  token?: string;
  header?: { event_id?: string; event_type?: string; token?: string; create_time?: string; app_id?: string };
  event?: Record<string, unknown>;
  [k: string]: unknown;
}

const quietLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

export class FeishuVerifier {
  private readonly handle: NonNullable<lark.EventDispatcher['requestHandle']> | null;
  private readonly cipher: lark.AESCipher | null;

  constructor(private readonly config: Pick<FeishuConfig, 'encryptKey' | 'verificationToken' | 'appId'>) {
    const dispatcher = new lark.EventDispatcher({
      encryptKey: config.encryptKey,
      verificationToken: config.verificationToken,
      logger: quietLogger,
      loggerLevel: lark.LoggerLevel.error,
    });
    this.handle = dispatcher.requestHandle ?? null;
    this.cipher = config.encryptKey ? new lark.AESCipher(config.encryptKey) : null;
  }

  /** Verify and open a request body (already size-limited). Never throws. */
  open(rawBody: string, headers: Headers, now: Date): Opened {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch {
      return { kind: 'reject', status: 400, reason: 'malformed JSON' };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { kind: 'reject', status: 400, reason: 'not an object' };
    const body = parsed as Record<string, unknown>;
    const encrypted = typeof body.encrypt === 'string';
    if ('encrypt' in body && !encrypted) return { kind: 'reject', status: 400, reason: 'bad encrypt field' };
    if (encrypted && !this.cipher)
      return { kind: 'reject', status: 400, reason: 'encrypted body but no FEISHU_ENCRYPT_KEY' };

    const ts = headers.get('x-lark-request-timestamp');
    const nonce = headers.get('x-lark-request-nonce');
    const signature = headers.get('x-lark-signature');
    const signed = Boolean(ts && nonce && signature);
    if (!signed || !this.config.encryptKey) {
      // url_verification is not signed (Feishu: the signature check excludes it); it is answered only when it
      // decrypts with our key and carries our verification token.
      let challenge: ReturnType<typeof lark.generateChallenge>;
      try {
        challenge = lark.generateChallenge(body, { encryptKey: this.config.encryptKey ?? '' });
      } catch {
        return { kind: 'reject', status: 400, reason: 'cannot decrypt' };
      }
      if (challenge.isChallenge) {
        const inner = encrypted ? (this.decrypt(body.encrypt as string) ?? {}) : body;
        return this.answerChallenge(inner, challenge.challenge.challenge);
      }
      if (this.config.encryptKey) return { kind: 'reject', status: 401, reason: 'signature headers missing' };
    } else {
      const data = Object.assign(
        Object.create({
          headers: { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature },
        }),
        body,
      );
      if (!this.handle?.checkIsEventValidated(data)) return { kind: 'reject', status: 401, reason: 'bad signature' };
      const sent = Number(ts) * 1000;
      if (
        !Number.isFinite(sent) ||
        sent > now.getTime() + MAX_SKEW_FUTURE_MS ||
        sent < now.getTime() - EVENT_RETENTION_MS
      ) {
        return { kind: 'reject', status: 401, reason: 'timestamp out of range' };
      }
    }
    const envelope = (encrypted ? this.decrypt(body.encrypt as string) : body) as FeishuEnvelope | null;
    if (!envelope || typeof envelope !== 'object') return { kind: 'reject', status: 400, reason: 'cannot decrypt' };
    // a signed url_verification (some consoles sign it too): decrypted once above, answered the same way
    if (envelope.type === 'url_verification') return this.answerChallenge(envelope, envelope.challenge);
    const token = envelope.header?.token ?? envelope.token;
    if (this.config.verificationToken && token !== this.config.verificationToken)
      return { kind: 'reject', status: 403, reason: 'verification token mismatch' };
    if (envelope.header?.app_id && this.config.appId && envelope.header.app_id !== this.config.appId) {
      return { kind: 'reject', status: 403, reason: 'event for another app' };
    }
    return { kind: 'event', body: envelope };
  }

  private answerChallenge(inner: Record<string, unknown>, challenge: unknown): Opened {
    if (this.config.verificationToken && inner.token !== this.config.verificationToken) {
      return { kind: 'reject', status: 403, reason: 'verification token mismatch' };
    }
    if (typeof challenge !== 'string') return { kind: 'reject', status: 400, reason: 'challenge missing' };
    return { kind: 'challenge', challenge };
  }

  private decrypt(encrypt: string): Record<string, unknown> | null {
    try {
      const v: unknown = JSON.parse(this.cipher!.decrypt(encrypt));
      return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
}
