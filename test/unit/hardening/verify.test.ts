/**
 * The Feishu verifier is total: it checks the signature over the raw body bytes exactly as the platform signs them,
 * refuses what is too deeply nested before parsing it, and never throws.
 */
import { describe, expect, it } from 'vitest';
import { FeishuVerifier } from '../../../src/channels/feishu/verify.js';
import { jsonDepthWithin } from '../../../src/http/json-guard.js';
import { messageReceive, TEST_APP_ID, TEST_VERIFICATION_TOKEN } from '../../support/feishu/events.js';
import { encryptPayload, feishuSignature } from '../../support/feishu/sign.js';

const KEY = 'verify-hardening-key';
const v = new FeishuVerifier({ encryptKey: KEY, verificationToken: TEST_VERIFICATION_TOKEN, appId: TEST_APP_ID });
const ev = messageReceive({ chatId: 'oc_1', chatType: 'p2p', senderOpenId: 'ou_1', text: '/帮助' });

function signedHeaders(rawBody: string, ts = String(Math.floor(Date.now() / 1000)), nonce = 'n0nce'): Headers {
  return new Headers({
    'x-lark-request-timestamp': ts,
    'x-lark-request-nonce': nonce,
    'x-lark-signature': feishuSignature(ts, nonce, KEY, rawBody),
  });
}

describe('signature over the raw body', () => {
  it('a correctly signed body with whitespace and \\/ escapes is accepted (Feishu signs the bytes it sends)', () => {
    const enc = encryptPayload(JSON.stringify(ev), KEY).replace(/\//g, '\\/');
    const raw = `{\n  "encrypt" : "${enc}"\n}\n`;
    expect(v.open(raw, signedHeaders(raw), new Date()).kind).toBe('event');
    expect(v.open(new TextEncoder().encode(raw), signedHeaders(raw), new Date()).kind).toBe('event');
  });

  it('a plain signed body with spacing is accepted as sent, and refused once a byte changes', () => {
    const raw = JSON.stringify(ev, null, 2);
    expect(v.open(raw, signedHeaders(raw), new Date()).kind).toBe('event');
    expect(v.open(`${raw} `, signedHeaders(raw), new Date())).toMatchObject({ kind: 'reject', status: 401 });
  });

  it('a signature of the wrong length or case-mangled content is refused, not thrown', () => {
    const raw = JSON.stringify(ev);
    const h = signedHeaders(raw);
    h.set('x-lark-signature', 'abc');
    expect(v.open(raw, h, new Date())).toMatchObject({ kind: 'reject', status: 401 });
    h.set('x-lark-signature', 'é'.repeat(64));
    expect(v.open(raw, h, new Date())).toMatchObject({ kind: 'reject', status: 401 });
  });
});

describe('nesting bound', () => {
  it('a body nested 5,000 levels deep with X-Lark headers is refused with a 4xx, signed or not', () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const obj = `{"a":${deep}}`;
    const forged = new Headers({
      'x-lark-request-timestamp': '1',
      'x-lark-request-nonce': 'x',
      'x-lark-signature': 'f'.repeat(64),
    });
    expect(v.open(obj, forged, new Date())).toMatchObject({ kind: 'reject', status: 401 });
    expect(v.open(obj, new Headers(), new Date())).toMatchObject({ kind: 'reject', status: 400 });
    // even correctly signed, the nesting is refused before parsing
    expect(v.open(obj, signedHeaders(obj), new Date())).toMatchObject({
      kind: 'reject',
      status: 400,
      reason: 'too deep',
    });
  });

  it('the depth scan skips strings and escapes', () => {
    expect(jsonDepthWithin('{"a":"[[[[[[[[[[\\"[[[["}', 3)).toBe(true);
    expect(jsonDepthWithin('[[[[', 3)).toBe(false);
    expect(jsonDepthWithin('{"a":{"b":{"c":1}}}', 3)).toBe(true);
  });

  it('never throws, whatever the bytes', () => {
    const inputs = [
      '',
      '\u0000',
      '{"encrypt":"',
      '{"encrypt":"@@@"}',
      '{"type":"url_verification"}',
      new Uint8Array([0xff, 0xfe, 0x7b]),
      '{"header":null}',
      'null',
    ];
    for (const raw of inputs) {
      for (const h of [new Headers(), signedHeaders(typeof raw === 'string' ? raw : '')]) {
        expect(v.open(raw, h, new Date()).kind).toMatch(/reject|challenge/);
      }
    }
  });
});

describe('timestamp window', () => {
  it('accepts what Feishu retries (its last retry is ~6 h after the first try) and refuses older requests', () => {
    const now = new Date();
    const at = (hoursAgo: number) => {
      const raw = JSON.stringify(ev);
      return v.open(raw, signedHeaders(raw, String(Math.floor(now.getTime() / 1000 - hoursAgo * 3_600))), now);
    };
    expect(at(0).kind).toBe('event');
    expect(at(6.5).kind).toBe('event');
    expect(at(9)).toMatchObject({ kind: 'reject', status: 401, reason: 'timestamp out of range' });
    expect(at(24)).toMatchObject({ kind: 'reject', status: 401 });
    expect(at(6 * 24)).toMatchObject({ kind: 'reject', status: 401 });
  });
});
