/** /更新 账号: record a post published outside the bot (it resets the account's dormancy count). */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { Reply } from '../src/domain/reply.js';
import { daysBetween, formatShanghai, shanghaiDate } from '../src/domain/time.js';
import { defineCommand } from './core/types.js';
import { ownAccount } from './accounts.js';

export const post = defineCommand({
  path: ['更新'],
  aliases: [['post']],
  access: ['officer', 'liaison'],
  summary: '登记账号发布了一条信息（用于僵尸账号检测）',
  usage: '/更新 账号 [标题=…] [链接=…] [时间=…] [平台=…]',
  examples: ['/更新 兴国教育 标题=关于做好冬季供暖工作的通知 链接=https://www.xingguo.gov.cn/a/1.html'],
  keys: { 账号: ['account'], 标题: ['title'], 链接: ['url', 'link'], 时间: ['time', 'at'], 平台: ['platform'] },
  positional: ['账号'],
  args: (h) =>
    z.object({
      账号: h.text('账号', 60),
      标题: h.text('标题', 200).optional(),
      链接: h.url('链接').optional(),
      时间: h.datetime('时间', '12:00').optional(),
      平台: h.platform().optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    const acc = await ownAccount(ctx, a.账号, a.平台, ['officer', 'liaison']);
    const at = a.时间 ?? ctx.now;
    if (at.getTime() > ctx.now.getTime() + 10 * 60_000)
      throw new AppError({ code: 'bad_argument', problems: ['「时间」不能晚于现在'] });
    const before = (await ctx.store.accounts.register({ unitId: acc.unitId }, ctx.now)).find((r) => r.id === acc.id);
    ctx.write(
      ctx.store.posts.insert(
        {
          accountId: acc.id,
          publishedAt: at,
          title: a.标题 ?? null,
          url: a.链接 ?? null,
          source: 'manual',
          externalId: a.链接 ?? null,
        },
        ctx.caller.id,
        ctx.now,
      ),
    );
    ctx.audit('post.add', `A${acc.id}`, { at: at.toISOString(), title: a.标题 ?? null, url: a.链接 ?? null });
    const gap = before?.lastPostAt
      ? `，距上次更新 ${daysBetween(shanghaiDate(before.lastPostAt), shanghaiDate(at))} 天`
      : '';
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已登记「${acc.name}」(A${acc.id}) ${formatShanghai(at)} 的更新${a.标题 ? `「${a.标题}」` : ''}${gap}。`,
        },
      ],
    };
  },
});

export const postCommands = [post];
