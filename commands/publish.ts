/** /发布 R12: record an approved review as published (it counts as the account's post). */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import { platformName } from '../src/domain/platforms.js';
import type { Reply } from '../src/domain/reply.js';
import { REVIEW_STATUS_NAMES } from '../src/domain/review.js';
import { formatShanghai } from '../src/domain/time.js';
import { defineCommand } from './core/types.js';
import { REQUESTERS, load } from './review.js';

export const publish = defineCommand({
  path: ['发布'],
  aliases: [['publish']],
  access: ['officer', 'liaison'],
  summary: '审批通过的内容发布后登记（计入账号更新）',
  usage: '/发布 R12 [链接=…]',
  examples: ['/发布 R12 链接=https://mp.weixin.qq.com/s/xxxx'],
  keys: { 送审: ['review', 'id'], 链接: ['url', 'link'] },
  positional: ['送审'],
  args: (h) => z.object({ 送审: h.id('R', '送审'), 链接: h.url('链接').optional() }),
  async run(ctx, a): Promise<Reply> {
    const { review, account } = await load(ctx, a.送审);
    if (review.requesterId !== ctx.caller.id && !ctx.unitsWhere(REQUESTERS).includes(review.unitId) && !ctx.isAdmin) {
      throw new AppError({ code: 'rule', message: `只有送审人或本单位联络员、信息员可以登记 R${review.id} 的发布。` });
    }
    if (review.status === 'published') {
      throw new AppError({
        code: 'conflict',
        message: `R${review.id} 已于 ${formatShanghai(review.publishedAt ?? ctx.now)} 登记发布。`,
      });
    }
    if (review.status !== 'approved') {
      throw new AppError({
        code: 'rule',
        message: `R${review.id} ${REVIEW_STATUS_NAMES[review.status]}：只有审批通过的内容才能发布（先审后发，神木 第十七条）。`,
      });
    }
    const url = a.链接 ?? review.link;
    ctx.write(
      ctx.store.reviews.publish(review.id, url, ctx.now),
      ctx.store.posts.insert(
        {
          accountId: review.accountId,
          publishedAt: ctx.now,
          title: review.title,
          url,
          source: 'review',
          externalId: `review:R${review.id}`,
        },
        ctx.caller.id,
        ctx.now,
      ),
    );
    ctx.audit('review.publish', `R${review.id}`, { url });
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已登记 R${review.id}「${review.title}」在${platformName(account.platform)}「${account.name}」发布（${formatShanghai(ctx.now)}），计入账号更新。`,
        },
      ],
    };
  },
});

export const publishCommands = [publish];
