import { describe, expect, it } from 'vitest';
import { parseCommandLine, parseDateInput, parseDateTimeInput, tokenize } from '../../../../commands/core/parse.js';

const cmd = (text: string) => {
  const r = parseCommandLine(text);
  if (r.kind !== 'command') throw new Error(`not a command: ${text}`);
  return {
    name: r.name,
    positional: r.args.positional,
    named: Object.fromEntries(r.args.named),
    mentions: r.args.mentions,
    repeated: r.args.repeated,
  };
};

describe('command grammar (README "Commands")', () => {
  it('a command starts with / or ／ after any leading @mention of the bot', () => {
    expect(cmd('/帮助').name).toBe('帮助');
    expect(cmd('@_user_1 ／帮助 备案')).toMatchObject({ name: '帮助', positional: ['备案'] });
    expect(cmd('@政务新媒体助手 @_user_2 /我').name).toBe('我');
    expect(parseCommandLine('大家好').kind).toBe('none');
    expect(parseCommandLine('@_user_1 你好').kind).toBe('none');
    expect(parseCommandLine('"/帮助"').kind).toBe('none');
  });

  it('= ＝ : ： all separate a key from its value; full-width spaces count as spaces', () => {
    expect(cmd('/备案　开设　平台＝公众号　名称：兴国发布 开设日期:2026-09-28 理由=试点').named).toEqual({
      平台: '公众号',
      名称: '兴国发布',
      开设日期: '2026-09-28',
      理由: '试点',
    });
    expect(cmd('/备案 开设 平台＝公众号').positional).toEqual(['开设']);
  });

  it('values may be quoted with "" “” 「」, keeping spaces and separators inside', () => {
    expect(cmd('/送审 标题="关于 做好 冬季供暖的通知" 内容=“第一条：a=b”').named).toEqual({
      标题: '关于 做好 冬季供暖的通知',
      内容: '第一条：a=b',
    });
    expect(cmd('/账号 详情 「兴国 发布」').positional).toEqual(['详情', '兴国 发布']);
    expect(cmd('/账号 详情 "名称=x"').positional).toEqual(['详情', '名称=x']);
    expect(cmd('/送审 标题=「未闭合的引号 仍然是值').named).toEqual({ 标题: '未闭合的引号 仍然是值' });
  });

  it('URLs and times are not mistaken for key:value pairs', () => {
    expect(cmd('/更新 兴国发布 https://www.xingguo.gov.cn/a.html 09:30').positional).toEqual([
      '兴国发布',
      'https://www.xingguo.gov.cn/a.html',
      '09:30',
    ]);
    expect(cmd('/更新 兴国发布 链接=https://x.gov.cn/a?b=c').named).toEqual({ 链接: 'https://x.gov.cn/a?b=c' });
  });

  it('"key = value" and "key= value" with spaces are read as one pair', () => {
    expect(cmd('/单位 新增 名称 = 兴国县教育局').named).toEqual({ 名称: '兴国县教育局' });
    expect(cmd('/单位 新增 名称= 兴国县教育局').named).toEqual({ 名称: '兴国县教育局' });
  });

  it('@mentions in the arguments are people; a repeated key is reported', () => {
    expect(cmd('/人员 新增 @_user_2 单位=教育局 信息员=@张三')).toMatchObject({
      mentions: ['_user_2'],
      named: { 单位: '教育局', 信息员: '@张三' },
    });
    expect(cmd('/单位 新增 名称=a 名称=b').repeated).toEqual(['名称']);
  });

  it('zero-width and other Unicode spaces are spaces', () => {
    expect(cmd('/帮助\u00a0备案').positional).toEqual(['备案']);
    expect(tokenize('a\u200bb')).toHaveLength(2);
  });
});

describe('dates and times users type', () => {
  const today = '2026-11-22';
  it.each([
    ['2026-11-20', '2026-11-20'],
    ['2026/11/20', '2026-11-20'],
    ['2026.11.20', '2026-11-20'],
    ['2026年11月20日', '2026-11-20'],
    ['11月20日', '2026-11-20'],
    ['1月3号', '2026-01-03'],
    ['今天', '2026-11-22'],
    ['昨天', '2026-11-21'],
    ['前天', '2026-11-20'],
  ])('%s → %s', (input, want) => expect(parseDateInput(input, today)).toBe(want));

  it.each(['2026-02-30', '2026-13-01', '十一月', '', '2026-11', 'tomorrow-ish'])('rejects %j', (input) =>
    expect(parseDateInput(input, today)).toBeNull(),
  );

  it('times are Asia/Shanghai: "2026-11-20 15:00", 今天15点, 明天9点半, an ISO instant', () => {
    const now = new Date('2026-11-22T02:00:00Z');
    expect(parseDateTimeInput('2026-11-20 15:00', now)?.toISOString()).toBe('2026-11-20T07:00:00.000Z');
    expect(parseDateTimeInput('今天15点', now)?.toISOString()).toBe('2026-11-22T07:00:00.000Z');
    expect(parseDateTimeInput('明天9点半', now)?.toISOString()).toBe('2026-11-23T01:30:00.000Z');
    expect(parseDateTimeInput('2026-11-20', now, '12:00')?.toISOString()).toBe('2026-11-20T04:00:00.000Z');
    expect(parseDateTimeInput('2026-11-20T09:00:00+08:00', now)?.toISOString()).toBe('2026-11-20T01:00:00.000Z');
    expect(parseDateTimeInput('25:00', now)).toBeNull();
    expect(parseDateTimeInput('hello', now)).toBeNull();
  });
});
