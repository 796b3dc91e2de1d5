/**
 * Build Feishu webhook requests (events and card callbacks) exactly as the Feishu Open Platform
 * documents them, using only node:crypto. Test-side only: nothing here is imported by the server.
 *
 * Documentation followed:
 * - Encrypt Key / decryption and signature check ("步骤三：接收事件"):
 *   https://open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/encrypt-key-encryption-configuration-case
 *   (stored copy: https://open.larkoffice.com/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/encrypt-key-encryption-configuration-case.md)
 * - Sending events to a developer server, encrypted body `{"encrypt":"…"}`:
 *   https://open.feishu.cn/document/ukTMukTMukTM/uYDNxYjL2QTM24iN0EjN/event-subscription-configure-/choose-a-subscription-mode/send-notifications-to-developers-server
 * - Same scheme for callbacks (card.action.trigger):
 *   https://open.feishu.cn/document/uAjLw4CM/ukTMukTMukTM/event-subscription-guide/callback-subscription/step-1-choose-a-subscription-mode/send-callbacks-to-developers-server
 *
 * Encryption: key = SHA-256(Encrypt Key) (32 bytes), AES-256-CBC, PKCS#7 padding, a random 16-byte IV,
 * wire format base64(IV || ciphertext).
 * Signature: hex(SHA-256(X-Lark-Request-Timestamp + X-Lark-Request-Nonce + Encrypt Key + raw body)), sent in
 * X-Lark-Signature. The platform signs the raw request body, so `feishuRequest` returns the exact body string that
 * was signed; send it byte-for-byte.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const HEADER_TIMESTAMP = 'X-Lark-Request-Timestamp';
export const HEADER_NONCE = 'X-Lark-Request-Nonce';
export const HEADER_SIGNATURE = 'X-Lark-Signature';

const IV_BYTES = 16;

/** The AES key Feishu derives from an Encrypt Key: SHA-256 of its UTF-8 bytes (32 bytes → AES-256). */
export function feishuAesKey(encryptKey: string): Buffer {
  return createHash('sha256').update(encryptKey, 'utf8').digest();
}

/**
 * Encrypt a plaintext (normally a JSON string) the way Feishu does: base64(IV || AES-256-CBC(PKCS#7)).
 * Pass `iv` only to make a test deterministic; by default a fresh random IV is used, as the platform does.
 */
export function encryptPayload(plaintext: string, encryptKey: string, iv: Buffer = randomBytes(IV_BYTES)): string {
  if (iv.length !== IV_BYTES) throw new Error(`IV must be ${IV_BYTES} bytes, got ${iv.length}`);
  const cipher = createCipheriv('aes-256-cbc', feishuAesKey(encryptKey), iv); // PKCS#7 padding is the default
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ciphertext]).toString('base64');
}

/** Inverse of `encryptPayload`. Throws on a wrong key or a mangled ciphertext (bad padding). */
export function decryptPayload(encrypted: string, encryptKey: string): string {
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < IV_BYTES * 2 || (buf.length - IV_BYTES) % 16 !== 0) {
    throw new Error('encrypted payload has an invalid length');
  }
  const decipher = createDecipheriv('aes-256-cbc', feishuAesKey(encryptKey), buf.subarray(0, IV_BYTES));
  return Buffer.concat([decipher.update(buf.subarray(IV_BYTES)), decipher.final()]).toString('utf8');
}

/**
 * Decrypt a request body for assertions. Accepts the raw body string or the parsed object; a body that is not of the
 * form `{"encrypt": "…"}` is returned parsed as-is (plain mode).
 */
export function decryptBody<T = unknown>(body: string | object, encryptKey: string): T {
  const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
  if (isEncryptedBody(parsed)) {
    return JSON.parse(decryptPayload(parsed.encrypt, encryptKey)) as T;
  }
  return parsed as T;
}

export function isEncryptedBody(value: unknown): value is { encrypt: string } {
  return typeof value === 'object' && value !== null && typeof (value as { encrypt?: unknown }).encrypt === 'string';
}

/** hex(SHA-256(timestamp + nonce + encryptKey + rawBody)), all concatenated as UTF-8. */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey + rawBody, 'utf8')
    .digest('hex');
}

/**
 * Check the signature headers of a request against its raw body (header names matched case-insensitively).
 * Useful to assert that something we built, or something a server relays, is correctly signed.
 */
export function verifyFeishuSignature(
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  encryptKey: string,
): boolean {
  const get = (name: string): string | undefined => {
    const wanted = name.toLowerCase();
    for (const [k, v] of Object.entries(headers)) {
      if (k.toLowerCase() === wanted) return Array.isArray(v) ? v[0] : v;
    }
    return undefined;
  };
  const timestamp = get(HEADER_TIMESTAMP);
  const nonce = get(HEADER_NONCE);
  const signature = get(HEADER_SIGNATURE);
  if (timestamp === undefined || nonce === undefined || signature === undefined) return false;
  const expected = Buffer.from(feishuSignature(timestamp, nonce, encryptKey, rawBody), 'utf8');
  const actual = Buffer.from(signature, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface FeishuRequestOptions {
  /** The app's Encrypt Key. Required when `encrypt` or `sign` is on. */
  encryptKey?: string;
  /** Wrap the JSON body as `{"encrypt":"…"}`. Defaults to true when `encryptKey` is given. */
  encrypt?: boolean;
  /** Add the three X-Lark-* signature headers. Defaults to true when `encryptKey` is given. */
  sign?: boolean;
  /** Unix time in seconds, as a string (the platform's format). Defaults to now. */
  timestamp?: string;
  /** Random string. Defaults to 16 random bytes in hex. */
  nonce?: string;
}

export interface FeishuRequest {
  /** The exact body string to send (and the one that was signed). */
  body: string;
  /** Headers to send with it, in the platform's spelling (HTTP header names are case-insensitive). */
  headers: Record<string, string>;
}

/**
 * Build the body and headers of a request the Feishu platform would POST to an event/callback URL.
 * With an Encrypt Key configured the platform encrypts the body and signs it; without one it sends the plain JSON
 * body and the receiver can only check the `token` field (Verification Token) inside it.
 */
export function feishuRequest(body: object, opts: FeishuRequestOptions = {}): FeishuRequest {
  const encrypt = opts.encrypt ?? opts.encryptKey !== undefined;
  const sign = opts.sign ?? opts.encryptKey !== undefined;
  if ((encrypt || sign) && (opts.encryptKey === undefined || opts.encryptKey === '')) {
    throw new Error('feishuRequest: encrypt/sign need an encryptKey');
  }
  const encryptKey = opts.encryptKey ?? '';
  const json = JSON.stringify(body);
  const rawBody = encrypt ? JSON.stringify({ encrypt: encryptPayload(json, encryptKey) }) : json;
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
  if (sign) {
    const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? randomBytes(16).toString('hex');
    headers[HEADER_TIMESTAMP] = timestamp;
    headers[HEADER_NONCE] = nonce;
    headers[HEADER_SIGNATURE] = feishuSignature(timestamp, nonce, encryptKey, rawBody);
  }
  return { body: rawBody, headers };
}

/** Node's http server hands header names to handlers in lower case; the SDK reads them that way. */
export function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}
