import { AppError } from '../src/domain/errors.js';
import { remindInstant, weekdayName } from '../src/domain/reminders.js';
import type { SweepPlan } from '../src/ports/sweep.js';
import type { FeedState } from '../src/ports/feeds.js';
import type { ReminderItem } from '../src/domain/reminders.js';
import type { CommandContext } from './core/types.js';
import { z } from 'zod';
import type { Reply } from '../src/domain/reply.js';
import { renderText } from '../src/domain/reply.js';
import { formatShanghai } from '../src/domain/time.js';
import { defineCommand } from './core/types.js';
import { channelLabel } from '../src/ports/services.js';

/** Messages shown in full in a preview; the rest are listed by recipient. */
const SHOWN_IN_FULL = 4;
/** Items listed when nothing can be sent. */
const SHOWN_ITEMS = 10;

/** A sweep plan as one chat reply (also used by the CLI's dry run, in text). */
export function previewReply(plan: SweepPlan, alreadySent: number): Reply {
  const { env } = plan;
  const when = `${formatShanghai(env.now)} ${weekdayName(env.today)}`;
  const blocks: Reply['blocks'] = [];
  if (!plan.remindDay) {
    blocks.push({
      type: 'note',
      text: `${env.today} 不是工作日，定时提醒这天不发送（/设置 每天提醒=是 可改为每天发送）。以下为假如发送的内容。`,
    });
  }
  const nobody = plan.unreachable.length
    ? [{ type: 'list' as const, items: plan.unreachable.map((u) => `无人接收：${u}`) }]
    : [];
  if (plan.found.length === 0) {
    blocks.push({ type: 'text', text: '没有需要提醒的事项。' });
    return { title: `提醒预览（${when}）`, tone: 'info', blocks };
  }
  // "Already sent" only when the records say so: fresh items that nobody can be told are not "sent".
  const listed = (items: readonly ReminderItem[]): Reply['blocks'] => {
    // an item's own line where it has one; items recorded earlier may carry none: counted by unit
    const lines: string[] = [];
    const perUnit = new Map<string, number>();
    for (const i of items) {
      const line = i.adminLine ?? i.unitLine ?? i.personLines[0]?.line;
      if (line) lines.push(line);
      else perUnit.set(i.unitName ?? '全县', (perUnit.get(i.unitName ?? '全县') ?? 0) + 1);
    }
    const all = [...lines, ...[...perUnit].map(([u, n]) => `「${u}」${n} 项`)];
    const shown = all.slice(0, SHOWN_ITEMS);
    if (all.length > SHOWN_ITEMS) shown.push(`…另有 ${all.length - SHOWN_ITEMS} 项`);
    return [{ type: 'list', items: shown }];
  };
  if (plan.fresh.length === 0) {
    blocks.push(
      {
        type: 'text',
        text: `没有新的提醒：找到 ${plan.found.length} 项，均已在本期提醒过（有发送记录），不再重复发送：`,
      },
      ...listed(plan.found),
    );
    return { title: `提醒预览（${when}）`, tone: 'info', blocks };
  }
  if (plan.messages.length === 0) {
    // Say what was found, then who could not be told: with nobody listed, the items went only to the admins' summary.
    blocks.push(
      {
        type: 'text',
        text: `找到 ${plan.fresh.length} 项新提醒${alreadySent ? `（另有 ${alreadySent} 项本期已提醒过）` : ''}，但没有人可以通知：`,
      },
      ...listed(plan.fresh),
      ...nobody,
    );
    blocks.push({
      type: 'note',
      text: '管理员汇总也无处发送：管理员须有飞书或企业微信身份（/人员 新增 @某人 角色=管理员），并在启用了该渠道的服务器上运行。',
    });
    return { title: `提醒预览（${when}）`, tone: 'warning', blocks };
  }
  const units = new Set(plan.messages.filter((m) => m.audience === 'unit').map((m) => m.unitId)).size;
  blocks.push({
    type: 'text',
    text: `将发送 ${plan.messages.length} 条消息：${units} 个单位的提醒、${plan.messages.filter((m) => m.audience === 'person').length} 条个人审核提醒、${plan.messages.filter((m) => m.audience === 'admins').length} 条管理员汇总；共 ${plan.fresh.length} 项新提醒${alreadySent ? `（另有 ${alreadySent} 项本期已提醒过）` : ''}。`,
  });
  // Each distinct message once, with everyone who gets it; the admins' summary first.
  const byPayload = new Map<Reply, { to: string[]; admins: boolean }>();
  for (const m of plan.messages) {
    const g = byPayload.get(m.message.payload);
    if (g) g.to.push(m.to);
    else byPayload.set(m.message.payload, { to: [m.to], admins: m.audience === 'admins' });
  }
  const adminsFirst = [...byPayload]
    .map(([payload, g]) => ({ ...g, payload }))
    .sort((a, b) => Number(b.admins) - Number(a.admins));
  for (const g of adminsFirst.slice(0, SHOWN_IN_FULL))
    blocks.push({ type: 'text', text: `→ ${g.to.join('、')}\n${renderText(g.payload)}` });
  const rest = adminsFirst.slice(SHOWN_IN_FULL);
  if (rest.length)
    blocks.push({
      type: 'list',
      items: rest
        .slice(0, 30)
        .map((g) => `→ ${g.to.join('、')}`)
        .concat(rest.length > 30 ? [`…另有 ${rest.length - 30} 组`] : []),
    });
  blocks.push(...nobody);
  return { title: `提醒预览（${when}）`, tone: plan.unreachable.length ? 'warning' : 'info', blocks };
}

const preview = defineCommand({
  path: ['提醒', '预览'],
  aliases: [['remind', 'preview']],
  access: ['admin'],
  summary: '预览每日提醒将发送的内容（不发送）',
  usage: '/提醒 预览 [日期]',
  examples: ['/提醒 预览', '/提醒 预览 2026-11-23'],
  keys: { 日期: ['date'] },
  positional: ['日期'],
  args: (h) => z.object({ 日期: h.date('日期').optional() }),
  async run(ctx, a): Promise<Reply> {
    const reminders = ctx.services.reminders;
    if (!reminders) throw new AppError({ code: 'rule', message: '本服务未启用每日提醒。' });
    const day = a.日期 ?? ctx.today;
    const at = remindInstant(day, ctx.policy.remindTime);
    // Today: as of the reminder time, or now if that has passed; another day: as of its reminder time.
    const now = day === ctx.today && ctx.now.getTime() > at.getTime() ? ctx.now : at;
    const plan = await reminders.plan(now);
    return previewReply(plan, plan.found.length - plan.fresh.length);
  },
});

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
            return `M${r.id} ${formatShanghai(r.createdAt)} ${channelLabel(ctx.services, r.channel)}${TARGET[r.targetType] ?? r.targetType} ${r.target.slice(0, 12)}… 已试 ${r.attempts} 次：${r.lastError ?? '未知错误'}｜${preview}`;
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
  args: (h) =>
    z.object({
      消息: z.union([z.literal('全部'), z.literal('all'), h.id('M', '消息')], {
        error: (iss) =>
          iss.input === undefined ? '缺少「消息」：写 全部，或 M12 这样的编号' : '「消息」应为 全部，或 M12 这样的编号',
      }),
    }),
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

export const remindCommands = [preview, failed, retry];

/** One line on a feed's health, for /账号 详情: feed errors stay visible to admins and liaisons. */
export async function feedStatus(ctx: CommandContext, accountId: number, feedUrl: string): Promise<string> {
  const state = ctx.services.feeds ? await ctx.services.feeds.state(accountId) : null;
  return describeFeedState(state, feedUrl);
}

export function describeFeedState(state: FeedState | null, feedUrl: string): string {
  if (!state || state.url !== feedUrl) return '尚未读取（每小时自动读取一次）';
  const next = `下次读取 ${formatShanghai(state.nextCheckAt)}`;
  if (state.failures > 0) {
    const ok = state.lastOkAt ? `最近成功 ${formatShanghai(state.lastOkAt)}` : '从未成功';
    return `⚠ 读取失败 ${state.failures} 次：${state.lastError ?? '未知错误'}（${ok}，${next}）`;
  }
  return `正常（最近读取 ${state.lastCheckedAt ? formatShanghai(state.lastCheckedAt) : '—'}，${next}）`;
}
