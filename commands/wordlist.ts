/** /词库 (admin): the customer lists the review pre-checks use — banned expressions, leaders' titles, allowed domains. */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { Reply } from '../src/domain/reply.js';
import type { WordListKind } from '../src/ports/reviews.js';
import { defineCommand } from './core/types.js';

const LIST_KIND = {
  禁用词: 'banned',
  禁用: 'banned',
  banned: 'banned',
  领导: 'leader',
  leader: 'leader',
  域名: 'domain',
  白名单: 'domain',
  domain: 'domain',
} as const;
const KIND_NAMES: Record<WordListKind, string> = { banned: '禁用词', leader: '领导姓名职务', domain: '白名单域名' };

export const listWords = defineCommand({
  path: ['词库'],
  aliases: [['wordlist']],
  access: ['admin'],
  summary: '查看送审预检用的自定义词库（禁用词、领导姓名职务、白名单域名）',
  usage: '/词库',
  examples: ['/词库'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const all = await ctx.store.wordLists.all();
    if (all.length === 0)
      return {
        blocks: [
          {
            type: 'text',
            text: '自定义词库为空。例如：/词库 新增 领导 王建国 县长；/词库 新增 禁用词 某某说法；/词库 新增 域名 xingguo.gov.cn',
          },
        ],
      };
    const group = (k: WordListKind) =>
      all.filter((e) => e.kind === k).map((e) => (e.extra ? `${e.value}（${e.extra}）` : e.value));
    return {
      title: '自定义词库',
      blocks: (['leader', 'banned', 'domain'] as const)
        .filter((k) => group(k).length)
        .map((k) => ({ type: 'text' as const, text: `${KIND_NAMES[k]}：${group(k).join('、')}` })),
    };
  },
});

export const addWord = defineCommand({
  path: ['词库', '新增'],
  aliases: [['wordlist', 'add']],
  access: ['admin'],
  summary: '新增禁用词、领导姓名职务或白名单域名',
  usage: '/词库 新增 禁用词|领导|域名 内容 [职务]',
  examples: ['/词库 新增 领导 王建国 县长', '/词库 新增 禁用词 某某说法', '/词库 新增 域名 xingguo.gov.cn'],
  keys: { 类型: ['kind', 'type'], 内容: ['value', 'word', '姓名'], 职务: ['title'] },
  positional: ['类型', '内容', '职务'],
  args: (h) =>
    z.object({ 类型: h.choice('类型', LIST_KIND), 内容: h.text('内容', 60), 职务: h.text('职务', 30).optional() }),
  async run(ctx, a): Promise<Reply> {
    let value = a.内容;
    if (a.类型 === 'leader' && !a.职务)
      throw new AppError({ code: 'bad_argument', problems: ['领导须写职务，例如 /词库 新增 领导 王建国 县长'] });
    if (a.类型 !== 'leader' && a.职务)
      throw new AppError({ code: 'bad_argument', problems: [`多余的内容「${a.职务}」`] });
    if (a.类型 === 'domain') {
      value = value
        .toLowerCase()
        .replace(/^https?:\/\//, '')
        .replace(/\/.*$/, '');
      if (!/^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/.test(value))
        throw new AppError({ code: 'bad_argument', problems: ['域名格式不对，例如 xingguo.gov.cn'] });
    }
    ctx.write(ctx.store.wordLists.add({ kind: a.类型, value, extra: a.职务 ?? null }, ctx.caller.id, ctx.now));
    ctx.audit('wordlist.add', `wordlist:${a.类型}`, { value, extra: a.职务 ?? null });
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已加入${KIND_NAMES[a.类型]}：${value}${a.职务 ? `（${a.职务}）` : ''}。此后的送审预检会用到。`,
        },
      ],
    };
  },
});

export const removeWord = defineCommand({
  path: ['词库', '删除'],
  aliases: [['wordlist', 'remove']],
  access: ['admin'],
  summary: '删除自定义词库中的一项',
  usage: '/词库 删除 禁用词|领导|域名 内容',
  examples: ['/词库 删除 领导 王建国'],
  keys: { 类型: ['kind', 'type'], 内容: ['value', 'word', '姓名'] },
  positional: ['类型', '内容'],
  args: (h) => z.object({ 类型: h.choice('类型', LIST_KIND), 内容: h.text('内容', 60) }),
  async run(ctx, a): Promise<Reply> {
    const exists = (await ctx.store.wordLists.all()).some((e) => e.kind === a.类型 && e.value === a.内容);
    if (!exists)
      throw new AppError({ code: 'not_found', kind: 'setting', name: a.内容, hint: '用 /词库 查看现有条目' });
    ctx.write(ctx.store.wordLists.remove(a.类型, a.内容));
    ctx.audit('wordlist.remove', `wordlist:${a.类型}`, { value: a.内容 });
    return { tone: 'success', blocks: [{ type: 'text', text: `已从${KIND_NAMES[a.类型]}删除：${a.内容}。` }] };
  },
});

export const wordlistCommands = [listWords, addWord, removeWord];
