/**
 * Verifying and opening what Feishu POSTs to us. The signature is ours to check (signature.ts: SHA-256 of timestamp +
 * nonce + Encrypt Key + the raw body bytes, constant-time compare), before the body is parsed, and every parse is
 * bounded in depth (src/http/json-guard.ts); the SDK's AESCipher decrypts. Unsigned requests are answered only when
 * they are a url_verification carrying our token. The timestamp window is ours too: a request older than ACCEPT_WINDOW_MS
 * (or from the future) is refused, and within it a replay is caught by the event id. Never throws.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { parseBoundedJson } from '../../http/json-guard.js';
import type { FeishuConfig } from './config.js';
import { feishuSignatureValid } from './signature.js';

export const MAX_SKEW_FUTURE_MS = 5 * 60_000;
/**
 * How old a signed request may be. Feishu retries a failed push 15 s, 5 min, 1 h and 6 h after the first try, so its
 * last retry is about 6 h old; 8 h leaves a margin for clock skew. Anything older is refused outright, so a captured
 * request can be replayed only within this window, and the event ids of the window are always in the database.
 */
export const ACCEPT_WINDOW_MS = 8 * 3_600_000;
/** event ids are kept this long (far beyond the window, so a replay inside the window is always caught) */
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

/**
 * Feishu's event encryption: AES-256-CBC with key SHA-256(Encrypt Key), base64(IV ‖ ciphertext). Decrypted to bytes
 * first and decoded as UTF-8 once: the SDK's AESCipher decodes each chunk separately, which on workerd splits a
 * Chinese character that straddles the last block (Node's decipher carries the partial character over; workerd's
 * does not).
 */
function decryptEvent(key: Buffer, encrypt: string): string {
  const buf = Buffer.from(encrypt, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

export class FeishuVerifier {
  private readonly cipher: Buffer;

  constructor(private readonly config: Pick<FeishuConfig, 'encryptKey' | 'verificationToken' | 'appId'>) {
    this.cipher = createHash('sha256').update(config.encryptKey).digest();
  }

  /** Verify and open a request body (already size-limited), as the bytes received or their text. Never throws. */
  open(raw: string | Uint8Array, headers: Headers, now: Date): Opened {
    try {
      return this.openUnsafe(raw, headers, now);
    } catch {
      return { kind: 'reject', status: 400, reason: 'cannot open request' };
    }
  }

  private openUnsafe(raw: string | Uint8Array, headers: Headers, now: Date): Opened {
    const ts = headers.get('x-lark-request-timestamp');
    const nonce = headers.get('x-lark-request-nonce');
    const signature = headers.get('x-lark-signature');
    const signed = ts !== null && nonce !== null && signature !== null;
    if (signed) {
      // authenticity first, on the bytes as sent; nothing unauthenticated is parsed beyond this point
      if (!feishuSignatureValid(signature, ts, nonce, this.config.encryptKey, raw))
        return { kind: 'reject', status: 401, reason: 'bad signature' };
      const sent = /^\d{1,12}$/.test(ts) ? Number(ts) * 1000 : Number.NaN;
      if (
        !Number.isFinite(sent) ||
        sent > now.getTime() + MAX_SKEW_FUTURE_MS ||
        sent < now.getTime() - ACCEPT_WINDOW_MS
      ) {
        return { kind: 'reject', status: 401, reason: 'timestamp out of range' };
      }
    }
    const text = typeof raw === 'string' ? raw : new TextDecoder('utf-8', { fatal: false }).decode(raw);
    const parsed = parseBoundedJson(text);
    if (!parsed.ok) return { kind: 'reject', status: 400, reason: parsed.reason };
    const body = parsed.value;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { kind: 'reject', status: 400, reason: 'not an object' };
    const outer = body as Record<string, unknown>;
    if ('encrypt' in outer && typeof outer.encrypt !== 'string')
      return { kind: 'reject', status: 400, reason: 'bad encrypt field' };
    const envelope = typeof outer.encrypt === 'string' ? this.decrypt(outer.encrypt) : outer;
    if (!envelope) return { kind: 'reject', status: 400, reason: 'cannot decrypt' };
    // url_verification is not signed (Feishu: the signature check excludes it); answered only with our token
    if (envelope.type === 'url_verification') return this.answerChallenge(envelope, envelope.challenge);
    if (!signed) return { kind: 'reject', status: 401, reason: 'signature headers missing' };
    const env = envelope as FeishuEnvelope;
    const token = env.header?.token ?? env.token;
    if (this.config.verificationToken && token !== this.config.verificationToken)
      return { kind: 'reject', status: 403, reason: 'verification token mismatch' };
    if (env.header?.app_id && this.config.appId && env.header.app_id !== this.config.appId) {
      return { kind: 'reject', status: 403, reason: 'event for another app' };
    }
    return { kind: 'event', body: env };
  }

  private answerChallenge(inner: Record<string, unknown>, challenge: unknown): Opened {
    if (this.config.verificationToken && inner.token !== this.config.verificationToken) {
      return { kind: 'reject', status: 403, reason: 'verification token mismatch' };
    }
    if (typeof challenge !== 'string') return { kind: 'reject', status: 400, reason: 'challenge missing' };
    return { kind: 'challenge', challenge };
  }

  private decrypt(encrypt: string): Record<string, unknown> | null {
    let plain: string;
    try {
      plain = decryptEvent(this.cipher, encrypt);
    } catch {
      return null;
    }
    const r = parseBoundedJson(plain);
    if (!r.ok) return null;
    const v = r.value;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  }
}
