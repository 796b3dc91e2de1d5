/**
 * WeCom's callback encryption (加解密方案), for the self-built app and the AI bot alike:
 * - signature: sha1 of the sorted strings [token, timestamp, nonce, encrypt] joined, lowercase hex;
 * - AES-256-CBC with key = base64(EncodingAESKey + '='), IV = the key's first 16 bytes, PKCS#7 padding to a multiple
 *   of 32 bytes (so 1–32 pad bytes, which Web Crypto's AES-CBC rejects: padding is removed here, by hand);
 * - plaintext = 16 random bytes + 4-byte big-endian message length + message + receive id (the corp id for an app,
 *   the empty string for an AI bot).
 * Only `node:crypto` (createCipheriv/createDecipheriv without auto padding, createHash, randomBytes,
 * timingSafeEqual) is used, which Cloudflare workerd provides under nodejs_compat.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BLOCK = 32;

export class WecomCryptoError extends Error {
  constructor(
    message: string,
    readonly reason: 'signature' | 'decrypt' | 'receive_id' | 'key',
  ) {
    super(message);
    this.name = 'WecomCryptoError';
  }
}

/** Decode an EncodingAESKey (43 characters) into the 32-byte AES key; throws on anything else. */
export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey))
    throw new WecomCryptoError('EncodingAESKey must be 43 base64 characters', 'key');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WecomCryptoError('EncodingAESKey does not decode to 32 bytes', 'key');
  return key;
}

export function signature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function signatureMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received.toLowerCase(), 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WecomCipher {
  /** Check the signature, decrypt, and check the receive id; returns the message. Throws WecomCryptoError. */
  open(q: { signature: string; timestamp: string; nonce: string; encrypt: string }): string;
  /** Encrypt a message for a passive reply; `random` (16 bytes) only for tests. */
  seal(message: string, random?: Buffer): string;
  sign(timestamp: string, nonce: string, encrypt: string): string;
}

export function createCipher(opts: { token: string; encodingAesKey: string; receiveId: string }): WecomCipher {
  const key = aesKeyOf(opts.encodingAesKey);
  const iv = key.subarray(0, 16);
  const receiveId = Buffer.from(opts.receiveId, 'utf8');

  function decrypt(encrypt: string): string {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt)) throw new WecomCryptoError('Encrypt is not base64', 'decrypt');
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % BLOCK !== 0)
      throw new WecomCryptoError('ciphertext is not a multiple of 32 bytes', 'decrypt');
    let plain: Buffer;
    try {
      const d = createDecipheriv('aes-256-cbc', key, iv);
      d.setAutoPadding(false);
      plain = Buffer.concat([d.update(data), d.final()]);
    } catch {
      throw new WecomCryptoError('cannot decrypt', 'decrypt');
    }
    const pad = plain[plain.length - 1] ?? 0;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WecomCryptoError('bad padding', 'decrypt');
    for (let i = plain.length - pad; i < plain.length; i++)
      if (plain[i] !== pad) throw new WecomCryptoError('bad padding', 'decrypt');
    const body = plain.subarray(0, plain.length - pad);
    if (body.length < 20) throw new WecomCryptoError('plaintext too short', 'decrypt');
    const len = body.readUInt32BE(16);
    if (20 + len > body.length) throw new WecomCryptoError('bad message length', 'decrypt');
    const msg = body.subarray(20, 20 + len);
    const rid = body.subarray(20 + len);
    if (rid.length !== receiveId.length || (rid.length > 0 && !timingSafeEqual(rid, receiveId))) {
      throw new WecomCryptoError('receive id does not match', 'receive_id');
    }
    return msg.toString('utf8');
  }

  return {
    sign: (timestamp, nonce, encrypt) => signature(opts.token, timestamp, nonce, encrypt),
    open(q) {
      if (!signatureMatches(signature(opts.token, q.timestamp, q.nonce, q.encrypt), q.signature))
        throw new WecomCryptoError('signature does not match', 'signature');
      return decrypt(q.encrypt);
    },
    seal(message, random) {
      const msg = Buffer.from(message, 'utf8');
      const len = Buffer.alloc(4);
      len.writeUInt32BE(msg.length, 0);
      const body = Buffer.concat([random ?? randomBytes(16), len, msg, receiveId]);
      const pad = BLOCK - (body.length % BLOCK);
      const c = createCipheriv('aes-256-cbc', key, iv);
      c.setAutoPadding(false);
      return Buffer.concat([c.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), c.final()]).toString('base64');
    },
  };
}
