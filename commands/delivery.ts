/** /提醒 失败 and /提醒 重试 (admin): messages that could not be delivered stay visible and can be sent again. */
import { z } from 'zod';
import { CHANNEL_NAMES } from '../src/domain/model.js';
import type { Reply } from '../src/domain/reply.js';
import { renderText } from '../src/domain/reply.js';
import { formatShanghai } from '../src/domain/time.js';
import { defineCommand } from './types.js';

const TARGET: Record<string, string> = { reply: '回复', chat: '群', user: '私信', update: '更新卡片' };

const failed = defineCommand({
  path: ['提醒', '失败'],
  aliases: [['remind', 'failed']],
  access: ['admin'],
  summary: '查看发送失败的消息（已重试多次仍未送达）和待发送数量',
  usage: '/提醒 失败',
  examples: ['/提醒 失败'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const [rows, stats] = await Promise.all([ctx.store.outbox.failed(20), ctx.store.outbox.stats()]);
    const head = `待发送 ${stats.pending} 条${stats.oldestPendingAt ? `（最早 ${formatShanghai(stats.oldestPendingAt)}）` : ''}，发送失败 ${stats.failed} 条。`;
    if (rows.length === 0) return { blocks: [{ type: 'text', text: `${head}没有发送失败的消息。` }] };
    return {
      title: `发送失败的消息（${stats.failed}）`,
      tone: 'warning',
      blocks: [
        { type: 'text', text: head },
        {
          type: 'list',
          items: rows.map((r) => {
            const preview = renderText(r.payload).replace(/\s+/g, ' ').slice(0, 40);
            return `M${r.id} ${formatShanghai(r.createdAt)} ${CHANNEL_NAMES[r.channel]}${TARGET[r.targetType] ?? r.targetType} ${r.target.slice(0, 12)}… 已试 ${r.attempts} 次：${r.lastError ?? '未知错误'}｜${preview}`;
          }),
        },
        { type: 'note', text: '排除原因（如机器人被移出群、权限不足）后，发送 /提醒 重试 全部 或 /提醒 重试 M12' },
      ],
    };
  },
});

const retry = defineCommand({
  path: ['提醒', '重试'],
  aliases: [['remind', 'retry']],
  access: ['admin'],
  summary: '重新发送发送失败的消息',
  usage: '/提醒 重试 全部|M12',
  examples: ['/提醒 重试 全部', '/提醒 重试 M12'],
  keys: { 消息: ['message', 'id'] },
  positional: ['消息'],
  args: (h) => z.object({ 消息: z.union([z.literal('全部'), z.literal('all'), h.id('M', '消息')]) }),
  async run(ctx, a): Promise<Reply> {
    const all = a.消息 === '全部' || a.消息 === 'all';
    const before = (await ctx.store.outbox.stats()).failed;
    if (before === 0) return { blocks: [{ type: 'text', text: '没有发送失败的消息。' }] };
    ctx.write(ctx.store.outbox.requeue(all ? 'all-failed' : [a.消息 as number], ctx.now));
    ctx.audit('outbox.requeue', all ? 'outbox:all' : `M${String(a.消息)}`, {});
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: all ? `已重新排队 ${before} 条消息。` : `已重新排队 M${String(a.消息)}（如它确是失败的消息）。`,
        },
      ],
    };
  },
});

export const deliveryCommands = [failed, retry];
