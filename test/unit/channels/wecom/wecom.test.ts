/** WeCom's 加解密方案 against the official test vectors, the strict callback XML parser, settings and inbound parsing. */
import { describe, expect, it } from 'vitest';
import { parseWecomConfig, WecomConfigError } from '../../../../src/channels/wecom/config.js';
import { createCipher, signature, WecomCryptoError } from '../../../../src/channels/wecom/crypto.js';
import { fromAppXml, parseBotJson, stripBotMention } from '../../../../src/channels/wecom/inbound.js';
import { RateSpacer } from '../../../../src/channels/wecom/client.js';
import { appMessage, cutBytes, markdown } from '../../../../src/channels/wecom/card.js';
import { parseFlatXml, XmlError } from '../../../../src/channels/wecom/xml.js';
import { msgSignature, wecomDecrypt, wecomEncrypt } from '../../../support/wecom/sign.js';

// The official vectors of WeCom's 加解密方案 (URL verification sample).
const V = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  corpId: 'wx5823bf96d3bd56c7',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  plain: '1616140317555161061',
};

describe('WeCom crypto (official vectors)', () => {
  const cipher = createCipher({ token: V.token, encodingAesKey: V.key, receiveId: V.corpId });

  it('signs the echostr as the vector says', () => {
    expect(signature(V.token, V.timestamp, V.nonce, V.echostr)).toBe(V.signature);
    expect(msgSignature(V.token, V.timestamp, V.nonce, V.echostr)).toBe(V.signature);
  });

  it('opens the echostr to its plaintext', () => {
    expect(cipher.open({ signature: V.signature, timestamp: V.timestamp, nonce: V.nonce, encrypt: V.echostr })).toBe(
      V.plain,
    );
  });

  it('refuses a forged signature, a wrong corp id and a tampered ciphertext', () => {
    const forged = {
      signature: V.signature.replace(/^5/, '6'),
      timestamp: V.timestamp,
      nonce: V.nonce,
      encrypt: V.echostr,
    };
    expect(() => cipher.open(forged)).toThrowError(
      expect.objectContaining({ reason: 'signature' }) as unknown as Error,
    );
    const other = createCipher({ token: V.token, encodingAesKey: V.key, receiveId: 'wwOtherCorp' });
    expect(() =>
      other.open({ signature: V.signature, timestamp: V.timestamp, nonce: V.nonce, encrypt: V.echostr }),
    ).toThrowError(WecomCryptoError);
    const bytes = Buffer.from(V.echostr, 'base64');
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    const tampered = bytes.toString('base64');
    expect(() =>
      cipher.open({
        signature: signature(V.token, V.timestamp, V.nonce, tampered),
        timestamp: V.timestamp,
        nonce: V.nonce,
        encrypt: tampered,
      }),
    ).toThrowError(WecomCryptoError);
  });

  it('round-trips with the independent test implementation, padding of every length 1–32 included', () => {
    for (let n = 0; n < 40; n++) {
      const msg = '政'.repeat(n) + 'x'.repeat(n % 7);
      const enc = wecomEncrypt(V.key, V.corpId, msg);
      expect(
        cipher.open({ signature: msgSignature(V.token, '1', '2', enc), timestamp: '1', nonce: '2', encrypt: enc }),
      ).toBe(msg);
      const sealed = cipher.seal(msg);
      expect(wecomDecrypt(V.key, sealed)).toEqual({ msg, receiveId: V.corpId });
    }
  });

  it('the AI bot scheme has an empty receive id', () => {
    const bot = createCipher({ token: V.token, encodingAesKey: V.key, receiveId: '' });
    const enc = wecomEncrypt(V.key, '', '{"msgid":"1"}');
    expect(
      bot.open({ signature: msgSignature(V.token, '1', '2', enc), timestamp: '1', nonce: '2', encrypt: enc }),
    ).toBe('{"msgid":"1"}');
    const forApp = wecomEncrypt(V.key, V.corpId, '{}');
    expect(() =>
      bot.open({ signature: msgSignature(V.token, '1', '2', forApp), timestamp: '1', nonce: '2', encrypt: forApp }),
    ).toThrowError(WecomCryptoError);
  });
});

describe('callback XML', () => {
  it('reads the flat <xml> shape with CDATA and plain numbers, MsgId as a string', () => {
    const x = parseFlatXml(
      '<xml><ToUserName><![CDATA[ww1]]></ToUserName><MsgId>7329847293847293847</MsgId><Content><![CDATA[a < b & </Content>]]></Content><SelectedItems><SelectedItem><QuestionKey><![CDATA[k]]></QuestionKey></SelectedItem></SelectedItems></xml>',
    );
    expect(x).toEqual({ ToUserName: 'ww1', MsgId: '7329847293847293847', Content: 'a < b & </Content>' });
  });

  it('refuses DTDs, entities beyond the predefined ones, attributes and other shapes', () => {
    for (const bad of [
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><xml><A>&e;</A></xml>',
      '<xml><A x="1">v</A></xml>',
      '<xml><A>v</B></xml>',
      '<root><A>v</A></root>',
      '<xml><A><![CDATA[v]]></xml>',
      '<xml><A><!-- c --></A></xml>',
      'not xml',
    ])
      expect(() => parseFlatXml(bad), bad).toThrowError(XmlError);
    expect(parseFlatXml('<xml><A>&amp;e;&#x4E2D;</A></xml>').A).toBe('&e;中');
  });
});

describe('WeCom settings', () => {
  const app = {
    WECOM_CORP_ID: 'ww1',
    WECOM_SECRET: 's',
    WECOM_AGENT_ID: '1000002',
    WECOM_TOKEN: 'tok',
    WECOM_ENCODING_AES_KEY: V.key,
  };
  it('is off without WECOM_CORP_ID or a bot token, and names each missing variable', () => {
    expect(parseWecomConfig({})).toBeNull();
    expect(parseWecomConfig(app)?.app).toMatchObject({ corpId: 'ww1', agentId: 1000002 });
    const { WECOM_TOKEN: _t, ...noToken } = app;
    expect(() => parseWecomConfig(noToken)).toThrowError(/WECOM_TOKEN is required/);
    expect(() => parseWecomConfig({ ...app, WECOM_AGENT_ID: 'abc' })).toThrowError(WecomConfigError);
    expect(() => parseWecomConfig({ WECOM_BOT_TOKEN: 'x' })).toThrowError(/WECOM_BOT_ENCODING_AES_KEY is required/);
    expect(parseWecomConfig({ WECOM_BOT_TOKEN: 'x', WECOM_BOT_ENCODING_AES_KEY: V.key })).toMatchObject({
      app: null,
      bot: { token: 'x' },
    });
    expect(() => parseWecomConfig({ ...app, WECOM_BASE_URL: 'ftp://x' })).toThrowError(/WECOM_BASE_URL/);
  });
});

describe('WeCom inbound', () => {
  it('a text message becomes a direct-chat message keyed by its MsgId', () => {
    const r = fromAppXml({
      FromUserName: 'zhangsan',
      MsgType: 'text',
      Content: '/我',
      MsgId: '18446744073709551615',
      CreateTime: '1',
    });
    expect(r).toMatchObject({
      kind: 'message',
      message: {
        eventId: 'msg:18446744073709551615',
        chat: { channel: 'wecom', id: 'zhangsan', type: 'p2p' },
        text: '/我',
      },
    });
  });
  it('a click carries the operator from FromUserName, not from the key', () => {
    const r = fromAppXml({
      FromUserName: 'lisi',
      MsgType: 'event',
      Event: 'template_card_event',
      EventKey: '{"action":"review.decide","operator":"boss"}',
      TaskId: 'gm-1-x',
      ResponseCode: 'rc',
      CreateTime: '5',
    });
    expect(r).toMatchObject({
      kind: 'card',
      taskId: 'gm-1-x',
      responseCode: 'rc',
      input: { operator: { channel: 'wecom', externalId: 'lisi' } },
    });
  });
  it('the bot JSON and its @mention', () => {
    expect(stripBotMention('@政务助手 /备案 开设 平台=抖音')).toBe('/备案 开设 平台=抖音');
    expect(stripBotMention('/我 @政务助手', '政务助手')).toBe('/我');
    const m = parseBotJson(
      JSON.stringify({
        msgid: 'abc',
        chatid: 'wrkSFfCgAA',
        chattype: 'group',
        from: { userid: 'zs' },
        response_url: 'https://x',
        msgtype: 'text',
        text: { content: '@bot /我' },
      }),
    );
    expect(m).toMatchObject({ msgid: 'abc', chatId: 'wrkSFfCgAA', chatType: 'group', userId: 'zs' });
    expect(parseBotJson('{"msgid":1}')).toHaveProperty('ignore');
  });
});

describe('WeCom outbound rendering and spacing', () => {
  it('cuts text to 2048 bytes on a character boundary', () => {
    const s = cutBytes('政'.repeat(1000), 2048, '…');
    expect(Buffer.byteLength(s)).toBeLessThanOrEqual(2048);
    const m = appMessage({ blocks: [{ type: 'text', text: '政'.repeat(1000) }] }, 't');
    expect(Buffer.byteLength((m.text as { content: string }).content)).toBeLessThanOrEqual(2048);
  });
  it('keeps user text from becoming markdown', () => {
    expect(
      markdown({ title: 'T', blocks: [{ type: 'text', text: '<font color="red">x</font> [a](http://e)' }] }),
    ).not.toMatch(/<font|\[a\]\(/);
  });
  it('spaces sends to 30 a minute per target without dropping', async () => {
    let t = 0;
    const waits: number[] = [];
    const s = new RateSpacer(
      () => t,
      async (ms) => {
        waits.push(ms);
        t += ms;
      },
    );
    for (let i = 0; i < 30; i++) expect(await s.take('user:a', 30, 120_000)).toBe(0);
    expect(waits).toEqual([]);
    expect(await s.take('user:a', 30, 120_000)).toBe(0);
    expect(waits.length).toBe(1);
    expect(await s.take('user:b', 30)).toBe(0);
    t += 1;
    for (let i = 0; i < 29; i++) await s.take('user:a', 30, 120_000);
    expect(await s.take('user:a', 30, 1_000)).toBeGreaterThan(1_000);
  });
});

describe('the approval template card', () => {
  it('carries the link, the text, the seven checks and the pre-check findings (兴国 三(三))', async () => {
    const { approvalCard } = await import('../../../../src/domain/review.js');
    const { precheck } = await import('../../../../src/domain/precheck/index.js');
    const { templateCard } = await import('../../../../src/channels/wecom/card.js');
    const input = {
      title: '关于做好冬季供暖工作的通知',
      text: '全县各单位要做好冬季供暖保障工作，详见 http://bit.ly/abc 。'.repeat(3),
      link: 'https://www.xingguo.gov.cn/a/1.html',
    };
    const review = {
      id: 12,
      unitId: 1,
      accountId: 1,
      title: input.title,
      level: 'major' as const,
      link: input.link,
      content: input.text,
      plannedAt: new Date('2026-11-23T02:00:00Z'),
      deadlineAt: null,
      requesterId: 1,
      status: 'pending' as const,
      currentStep: 1,
      findings: precheck(input, { allowDomains: ['xingguo.gov.cn'] }),
      createdAt: new Date(),
      decidedAt: null,
      publishedAt: null,
      publishedUrl: null,
    };
    expect(review.findings.length).toBeGreaterThan(0);
    const card = templateCard(
      approvalCard(
        review,
        {
          unitName: '兴国县教育局',
          accountLabel: '微信公众号「兴国教育」',
          requesterName: '李联络',
          approverName: '赵分管',
        },
        1,
      ),
      'gm-1-x',
    );
    const json = JSON.stringify(card);
    expect(card.card_type).toBe('button_interaction');
    expect(
      (card.horizontal_content_list as { keyname: string; type?: number; url?: string }[]).find(
        (h) => h.keyname === '链接',
      ),
    ).toMatchObject({ type: 1, url: input.link });
    expect(card.quote_area).toMatchObject({ title: '内容' });
    for (const check of ['政治关', '政策关', '法律关', '文字关', '保密关', '舆情关', '安全关'])
      expect(String(card.sub_title_text)).toContain(check);
    expect(json).toContain('自动预检');
    expect((card.horizontal_content_list as unknown[]).length).toBeLessThanOrEqual(6);
    expect((card.vertical_content_list as unknown[]).length).toBeLessThanOrEqual(4);
    expect((card.button_list as { text: string }[]).map((b) => b.text)).toEqual(['同意', '退回']);
  });

  it('a reply with a table and a button (the register) goes as text without the button line', () => {
    const m = appMessage(
      {
        title: '台账',
        blocks: [
          { type: 'table', columns: ['账号'], rows: [['兴国教育']] },
          { type: 'actions', buttons: [{ label: '刷新', value: { action: 'register.refresh' } }] },
        ],
      },
      't',
    );
    expect(m.msgtype).toBe('text');
    expect((m.text as { content: string }).content).toContain('兴国教育');
    expect((m.text as { content: string }).content).not.toContain('刷新');
  });
});

describe('channel state in SQLite', () => {
  it('expires values and purges them', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { openSqlite } = await import('../../../../storage/executor/sqlite.js');
    const { createChannelState } = await import('../../../../storage/repos/channel-state.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-state-'));
    const h = openSqlite(path.join(dir, 's.sqlite'));
    try {
      const s = createChannelState(h.db);
      const t0 = new Date('2026-12-01T00:00:00Z');
      await s.put('a', '1', new Date(t0.getTime() + 1_000), t0);
      await s.put('a', '2', new Date(t0.getTime() + 1_000), t0);
      expect(await s.get('a', t0)).toBe('2');
      expect(await s.get('a', new Date(t0.getTime() + 1_000))).toBeNull();
      await s.purgeExpired(new Date(t0.getTime() + 5_000));
      expect(h.sqlite.prepare('select count(*) n from channel_state').get()).toEqual({ n: 0 });
    } finally {
      h.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
