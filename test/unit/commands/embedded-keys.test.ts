import { describe, expect, it } from 'vitest';
import { splitEmbeddedKeys } from '../../../commands/embedded-keys.js';

const KEYS = ['平台', '名称', '开设日期', '单位', '标题'];

describe('full-width separators between arguments (，；、 before a known 键：)', () => {
  it('名称：长冈乡发布，开设日期：2026-11-30 is two arguments, not an account named "长冈乡发布，开设日期：2026-11-30"', () => {
    const r = splitEmbeddedKeys(
      new Map([
        ['平台', '小红书'],
        ['名称', '长冈乡发布，开设日期：2026-11-30'],
      ]),
      KEYS,
    );
    expect(Object.fromEntries(r.named)).toEqual({ 平台: '小红书', 名称: '长冈乡发布', 开设日期: '2026-11-30' });
    expect(r.repeated).toEqual([]);
  });

  it('；、 , ; work too, and a chain of three keys in one token splits into three', () => {
    const r = splitEmbeddedKeys(
      new Map([['平台', '抖音；名称=兴国教育、开设日期：2026-11-20,单位:兴国县教育局']]),
      KEYS,
    );
    expect(Object.fromEntries(r.named)).toEqual({
      平台: '抖音',
      名称: '兴国教育',
      开设日期: '2026-11-20',
      单位: '兴国县教育局',
    });
  });

  it("a key written twice that way is reported as repeated; words that are not this command's keys stay in the value", () => {
    expect(splitEmbeddedKeys(new Map([['名称', 'a，名称：b']]), KEYS).repeated).toEqual(['名称']);
    const title = splitEmbeddedKeys(new Map([['标题', '春节、元旦：安全提示']]), KEYS);
    expect(title.named.get('标题')).toBe('春节、元旦：安全提示');
  });
});
