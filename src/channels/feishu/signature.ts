/**
 * Feishu's request signature, computed as the platform documents it: hex(SHA-256(X-Lark-Request-Timestamp +
 * X-Lark-Request-Nonce + Encrypt Key + the raw request body)), over the body's bytes exactly as received (a body with
 * extra whitespace or `\/` escapes is signed as sent), and compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function feishuSignatureOf(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: string | Uint8Array,
): string {
  const h = createHash('sha256');
  h.update(timestamp + nonce + encryptKey, 'utf8');
  h.update(rawBody);
  return h.digest('hex');
}

/** Does `signature` (hex, as sent in X-Lark-Signature) match? Constant time in the signature's content. */
export function feishuSignatureValid(
  signature: string,
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: string | Uint8Array,
): boolean {
  const expected = Buffer.from(feishuSignatureOf(timestamp, nonce, encryptKey, rawBody), 'utf8');
  const actual = Buffer.from(signature.trim().toLowerCase(), 'utf8');
  if (actual.length !== expected.length) return false;
  return timingSafeEqual(expected, actual);
}
