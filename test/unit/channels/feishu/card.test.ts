import { describe, expect, it } from 'vitest';
import { renderCard, renderFeishu } from '../../../../src/channels/feishu/card.js';
import { FeishuVerifier } from '../../../../src/channels/feishu/verify.js';
import { textReply } from '../../../../src/domain/reply.js';
import { messageReceive, TEST_APP_ID, TEST_VERIFICATION_TOKEN } from '../../../support/feishu/events.js';
import { feishuRequest } from '../../../support/feishu/sign.js';

describe('Feishu rendering', () => {
  it('a line of text goes as a text message; structure goes as a JSON 2.0 card', () => {
    expect(renderFeishu(textReply('已登记。'))).toEqual({
      msgType: 'text',
      content: JSON.stringify({ text: '已登记。' }),
    });
    const card = renderFeishu({
      title: '已备案 F1',
      tone: 'warning',
      blocks: [{ type: 'fields', fields: [{ label: '备案期限', value: '2026-10-10' }] }],
    });
    expect(card.msgType).toBe('interactive');
    const json = JSON.parse(card.content) as {
      schema: string;
      header: { template: string };
      config: { update_multi: boolean };
    };
    expect(json.schema).toBe('2.0');
    expect(json.header.template).toBe('orange');
    expect(json.config.update_multi).toBe(true);
  });

  it('user text goes into plain_text, so markdown a user typed is shown as typed', () => {
    const card = renderCard({ title: 't', blocks: [{ type: 'text', text: '**粗体** [链接](http://x) 138****5678' }] });
    const s = JSON.stringify(card);
    expect(s).toContain('"tag":"plain_text","content":"**粗体** [链接](http://x) 138****5678"');
    expect(s).not.toContain('"tag":"markdown"');
  });

  it('buttons carry their value as a callback behaviour; with an input they sit in a form', () => {
    const card = renderCard({
      title: 't',
      blocks: [
        {
          type: 'actions',
          buttons: [{ label: '同意', value: { action: 'review.decide', review: 1 } }],
          input: { name: 'comment', placeholder: '意见' },
        },
      ],
    });
    const s = JSON.stringify(card);
    expect(s).toContain('"behaviors":[{"type":"callback","value":{"action":"review.decide","review":1}}]');
    expect(s).toContain('"tag":"form"');
    expect(s).toContain('"form_action_type":"submit"');
  });

  it('a card too big for Feishu is cut down to text, not rejected', () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => [`A${i}`, '兴国县某某局', '微信公众号', '某某发布']);
    const card = renderCard({
      title: '台账',
      blocks: [{ type: 'table', columns: ['编号', '单位', '平台', '名称'], rows }],
    });
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(30_000);
    expect(JSON.stringify(card)).toContain('已截断');
  });
});

describe('Feishu verification (our checks around the SDK)', () => {
  const key = 'unit-test-encrypt-key';
  const v = new FeishuVerifier({ encryptKey: key, verificationToken: TEST_VERIFICATION_TOKEN, appId: TEST_APP_ID });
  const ev = messageReceive({ chatId: 'oc_1', chatType: 'p2p', senderOpenId: 'ou_1', text: '/帮助' });
  const headers = (h: Record<string, string>) => new Headers(h);

  it('accepts a signed, encrypted event and opens it', () => {
    const r = feishuRequest(ev, { encryptKey: key });
    const o = v.open(r.body, headers(r.headers), new Date());
    expect(o.kind).toBe('event');
  });

  it('refuses a timestamp older than the event-id retention or from the future', () => {
    const now = new Date();
    const old = feishuRequest(ev, {
      encryptKey: key,
      timestamp: String(Math.floor(now.getTime() / 1000) - 8 * 86_400),
    });
    expect(v.open(old.body, headers(old.headers), now)).toMatchObject({ kind: 'reject', status: 401 });
    const future = feishuRequest(ev, { encryptKey: key, timestamp: String(Math.floor(now.getTime() / 1000) + 3_600) });
    expect(v.open(future.body, headers(future.headers), now)).toMatchObject({ kind: 'reject', status: 401 });
    const hourOld = feishuRequest(ev, { encryptKey: key, timestamp: String(Math.floor(now.getTime() / 1000) - 3_600) });
    expect(v.open(hourOld.body, headers(hourOld.headers), now).kind).toBe('event');
  });

  it('refuses an event for another app or with another verification token, even when signed', () => {
    const other = messageReceive({
      chatId: 'oc_1',
      chatType: 'p2p',
      senderOpenId: 'ou_1',
      text: '/帮助',
      appId: 'cli_other',
    });
    const r = feishuRequest(other, { encryptKey: key });
    expect(v.open(r.body, headers(r.headers), new Date())).toMatchObject({ kind: 'reject', status: 403 });
    const tok = messageReceive({
      chatId: 'oc_1',
      chatType: 'p2p',
      senderOpenId: 'ou_1',
      text: '/帮助',
      verificationToken: 'nope',
    });
    const r2 = feishuRequest(tok, { encryptKey: key });
    expect(v.open(r2.body, headers(r2.headers), new Date())).toMatchObject({ kind: 'reject', status: 403 });
  });

  it('a plain unsigned event is refused even with the verification token; a plain encrypt field is malformed', () => {
    expect(v.open(JSON.stringify(ev), headers({}), new Date())).toMatchObject({ kind: 'reject', status: 401 });
    expect(v.open(JSON.stringify({ encrypt: 123 }), headers({}), new Date())).toMatchObject({
      kind: 'reject',
      status: 400,
    });
  });
});
