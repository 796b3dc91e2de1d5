/**
 * WeCom callback requests built the way WeCom builds them, from the published 加解密方案 and written apart from the
 * product's code: msg_signature = sha1 of the sorted [token, timestamp, nonce, msg_encrypt] concatenated;
 * msg_encrypt = base64(AES-256-CBC(random(16) + msg_len (4 bytes, network order) + msg + receiveid)) with
 * AESKey = base64_decode(EncodingAESKey + '='), IV = AESKey[0..16], PKCS#7 padding to a multiple of 32 bytes.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  const parts = [token, timestamp, nonce, encrypt];
  parts.sort();
  return createHash('sha1').update(parts.join('')).digest('hex');
}

export function wecomEncrypt(
  encodingAesKey: string,
  receiveId: string,
  msg: string,
  random: Buffer = randomBytes(16),
): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const content = Buffer.from(msg, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(content.length);
  const full = Buffer.concat([random, len, content, Buffer.from(receiveId, 'utf8')]);
  const amount = 32 - (full.length % 32);
  const padded = Buffer.concat([full, Buffer.alloc(amount, amount)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

export function wecomDecrypt(encodingAesKey: string, encrypt: string): { msg: string; receiveId: string } {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(encrypt, 'base64')), d.final()]);
  const pad = plain[plain.length - 1]!;
  const body = plain.subarray(0, plain.length - pad);
  const len = body.readUInt32BE(16);
  return { msg: body.subarray(20, 20 + len).toString('utf8'), receiveId: body.subarray(20 + len).toString('utf8') };
}

export interface Secrets {
  token: string;
  encodingAesKey: string;
  /** the corp id for a self-built app, '' for an AI bot */
  receiveId: string;
}

const cdata = (s: string) => `<![CDATA[${s}]]>`;

export function nowTimestamp(): string {
  return String(Math.floor(Date.now() / 1000));
}

/** GET verification: the query for an echostr whose plaintext is `plain`. */
export function echoQuery(s: Secrets, plain: string, o: { timestamp?: string; nonce?: string } = {}): URLSearchParams {
  const timestamp = o.timestamp ?? nowTimestamp();
  const nonce = o.nonce ?? String(randomBytes(4).readUInt32BE());
  const echostr = wecomEncrypt(s.encodingAesKey, s.receiveId, plain);
  return new URLSearchParams({
    msg_signature: msgSignature(s.token, timestamp, nonce, echostr),
    timestamp,
    nonce,
    echostr,
  });
}

/** A POST to the app callback: the query and the XML body for an inner (plaintext) XML message. */
export function appCallback(
  s: Secrets & { agentId: number },
  innerXml: string,
  o: { timestamp?: string; nonce?: string; forge?: boolean } = {},
): { query: URLSearchParams; body: string } {
  const timestamp = o.timestamp ?? nowTimestamp();
  const nonce = o.nonce ?? String(randomBytes(4).readUInt32BE());
  const encrypt = wecomEncrypt(s.encodingAesKey, s.receiveId, innerXml);
  const sig = msgSignature(o.forge ? `${s.token}x` : s.token, timestamp, nonce, encrypt);
  const body = `<xml><ToUserName>${cdata(s.receiveId)}</ToUserName><AgentID>${cdata(String(s.agentId))}</AgentID><Encrypt>${cdata(encrypt)}</Encrypt></xml>`;
  return { query: new URLSearchParams({ msg_signature: sig, timestamp, nonce }), body };
}

/** A POST to the AI bot callback: the query and the JSON body {encrypt} for a JSON message. */
export function botCallback(
  s: Secrets,
  message: unknown,
  o: { timestamp?: string; nonce?: string; forge?: boolean } = {},
): { query: URLSearchParams; body: string } {
  const timestamp = o.timestamp ?? nowTimestamp();
  const nonce = o.nonce ?? String(randomBytes(4).readUInt32BE());
  const encrypt = wecomEncrypt(s.encodingAesKey, s.receiveId, JSON.stringify(message));
  const sig = msgSignature(o.forge ? `${s.token}x` : s.token, timestamp, nonce, encrypt);
  return { query: new URLSearchParams({ msg_signature: sig, timestamp, nonce }), body: JSON.stringify({ encrypt }) };
}

/** The plaintext XML of a text message from a user to the app (接收消息 → 文本消息). */
export function textXml(o: {
  corpId: string;
  from: string;
  content: string;
  msgId: string;
  agentId: number;
  createTime?: number;
}): string {
  return `<xml><ToUserName>${cdata(o.corpId)}</ToUserName><FromUserName>${cdata(o.from)}</FromUserName><CreateTime>${o.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(o.content)}</Content><MsgId>${o.msgId}</MsgId><AgentID>${o.agentId}</AgentID></xml>`;
}

/** The plaintext XML of a template card button click (模板卡片事件推送 template_card_event). */
export function cardEventXml(o: {
  corpId: string;
  from: string;
  eventKey: string;
  taskId: string;
  responseCode: string;
  agentId: number;
  createTime?: number;
}): string {
  return `<xml><ToUserName>${cdata(o.corpId)}</ToUserName><FromUserName>${cdata(o.from)}</FromUserName><CreateTime>${o.createTime ?? Math.floor(Date.now() / 1000)}</CreateTime><MsgType>${cdata('event')}</MsgType><Event>${cdata('template_card_event')}</Event><EventKey>${cdata(o.eventKey)}</EventKey><TaskId>${cdata(o.taskId)}</TaskId><CardType>${cdata('button_interaction')}</CardType><ResponseCode>${cdata(o.responseCode)}</ResponseCode><AgentID>${o.agentId}</AgentID><SelectedItems></SelectedItems></xml>`;
}
