/** User text shown back to a chat stays inert: no mention, tag or link a user typed is parsed by the platform. */
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_BYTES, renderCard, renderFeishu } from '../../../src/channels/feishu/card.js';
import { capText, clip, clipQuotes, echo, neutralizeMarkup } from '../../../src/domain/escape.js';
import { textReply } from '../../../src/domain/reply.js';
import { errorText } from '../../../commands/core/errors.js';

const AT_ALL = '<at user_id="all">所有人</at>';

describe('neutralizeMarkup', () => {
  it('Feishu: <at>, closing tags and styling tags lose their opening <, the text still reads the same', () => {
    const out = neutralizeMarkup(`请看 ${AT_ALL} <b>粗</b> < at id=all> a<b 3 < 5`, 'feishu');
    expect(out).not.toMatch(/<\s*\/?\s*[a-z]/i);
    expect(out).toContain('＜at user_id="all">所有人＜/at>');
    expect(out).toContain('3 < 5'); // a comparison is not a tag
  });

  it('WeCom markdown: <@userid>, <@all>, <font> and [text](url) links are neutralized', () => {
    const out = neutralizeMarkup(
      '<@all> <@zhangsan> <font color="warning">x</font> [点我](http://evil.example)',
      'wecom-markdown',
    );
    expect(out).not.toContain('<@');
    expect(out).not.toContain('<font');
    expect(out).not.toContain('](');
  });

  it('WeChat: @所有人 and the mention separator are neutralized', () => {
    const out = neutralizeMarkup('@所有人\u2005开会 ＠all', 'wechat');
    expect(out).not.toMatch(/[@＠]所有人/);
    expect(out).not.toContain('\u2005');
    expect(out).not.toMatch(/[@＠]all/i);
  });
});

describe('echo caps', () => {
  it('clip / echo / clipQuotes cut long input and keep short input', () => {
    expect(clip('短', 60)).toBe('短');
    expect(Array.from(echo('长'.repeat(1_000))).length).toBe(60);
    expect(echo('a\n\n b')).toBe('a b');
    expect(clipQuotes(`没有「${'x'.repeat(90_000)}」这个平台`)).toMatch(/^没有「x{59}…」这个平台$/);
  });

  it('capText keeps a message under the byte limit and says it was cut', () => {
    const t = capText('字'.repeat(100_000), 16_000);
    expect(Buffer.byteLength(t)).toBeLessThanOrEqual(16_000);
    expect(t).toContain('已截断');
  });

  it('an unknown command of 90 KB is echoed as at most 60 characters', () => {
    const text = errorText({ code: 'unknown_command', input: 'x'.repeat(90_000), suggestions: [] });
    expect(text.length).toBeLessThan(200);
  });
});

describe('Feishu renderer', () => {
  it('a text reply quoting <at user_id="all"> does not mention everyone', () => {
    const r = renderFeishu(textReply(`没有「${AT_ALL}」这个命令。`));
    expect(r.msgType).toBe('text');
    expect((JSON.parse(r.content) as { text: string }).text).not.toContain('<at');
  });

  it('a card never carries a user tag, in text, fields, tables or the title', () => {
    const card = renderCard({
      title: AT_ALL,
      blocks: [
        { type: 'text', text: AT_ALL },
        { type: 'fields', fields: [{ label: '名称', value: AT_ALL }] },
        { type: 'table', columns: ['名称'], rows: [[AT_ALL]] },
      ],
    });
    expect(JSON.stringify(card)).not.toContain('<at');
  });

  it('a huge text reply is cut below the text message limit', () => {
    const r = renderFeishu(textReply('字'.repeat(60_000)));
    expect(Buffer.byteLength((JSON.parse(r.content) as { text: string }).text)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
  });
});
