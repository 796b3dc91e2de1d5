import { describe, expect, it } from 'vitest';
import { ChannelConfigError } from '../../../../src/channels/channel.js';
import {
  DEFAULT_SEND_INTERVAL_MS,
  type WechatyConfig,
  wechatySettings,
} from '../../../../src/channels/wechaty/config.js';
import { paginate, wechatyText } from '../../../../src/channels/wechaty/text.js';

const loadWechatyConfig = (env: Record<string, string>): WechatyConfig | null => {
  const s = wechatySettings(env);
  return 'on' in s ? s.on : null;
};

describe('wechaty text: cards as plain text, long text paged', () => {
  it('a card is rendered as text; a confirm button becomes the command to type; review buttons are left to the card note', () => {
    const text = wechatyText({
      title: '备案待确认 F3',
      blocks: [
        { type: 'fields', fields: [{ label: '账号', value: '兴国教育' }] },
        { type: 'actions', buttons: [{ label: '确认备案', value: { action: 'filing.confirm', filing: 3 } }] },
        {
          type: 'actions',
          buttons: [{ label: '同意', value: { action: 'review.decide', review: 1, step: 1, decision: 'approve' } }],
        },
      ],
    });
    expect(text).toBe('【备案待确认 F3】\n账号：兴国教育\n（发送 /备案 确认 F3）');
  });

  it('pages are cut at line ends, numbered, each within the limit, and together hold every line', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `第 ${i + 1} 行：兴国县教育局 微信公众号「兴国教育」`);
    const pages = paginate(lines.join('\n'), 500);
    expect(pages.length).toBeGreaterThan(1);
    for (const [i, p] of pages.entries()) {
      expect([...p].length).toBeLessThanOrEqual(500);
      expect(p.startsWith(`(${i + 1}/${pages.length})\n`)).toBe(true);
    }
    expect(pages.map((p) => p.replace(/^\(\d+\/\d+\)\n/, '')).join('\n')).toBe(lines.join('\n'));
  });

  it('a single line longer than a page is cut; a short text is one unnumbered page', () => {
    const long = '审'.repeat(1_200);
    const pages = paginate(long, 500);
    expect(pages).toHaveLength(3);
    expect(pages.map((p) => p.replace(/^\(\d+\/\d+\)\n/, '')).join('')).toBe(long);
    expect(paginate('短消息', 500)).toEqual(['短消息']);
  });
});

describe('wechaty config', () => {
  it('is off without WECHATY_PUPPET, on with it, with conservative defaults', () => {
    expect(loadWechatyConfig({})).toBeNull();
    expect(loadWechatyConfig({ WECHATY_PUPPET: 'wechaty-puppet-wechat4u' })).toMatchObject({
      puppet: 'wechaty-puppet-wechat4u',
      sendIntervalMs: DEFAULT_SEND_INTERVAL_MS,
      token: undefined,
    });
  });

  it('refuses a service puppet without its token, and bad numbers, naming the variable', () => {
    expect(() => loadWechatyConfig({ WECHATY_PUPPET: 'wechaty-puppet-service' })).toThrow(
      /WECHATY_PUPPET_SERVICE_TOKEN/,
    );
    expect(() =>
      loadWechatyConfig({ WECHATY_PUPPET: 'wechaty-puppet-wechat4u', WECHATY_SEND_INTERVAL_MS: 'fast' }),
    ).toThrow(ChannelConfigError);
    expect(() => loadWechatyConfig({ WECHATY_PUPPET: 'rm -rf /' })).toThrow(/WECHATY_PUPPET/);
    expect(
      loadWechatyConfig({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet_x' })?.token,
    ).toBe('puppet_x');
  });
});
