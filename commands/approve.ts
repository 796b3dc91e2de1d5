/** /审批 (leaders): what waits for me, and 同意 / 退回 — the text form of the approval card's buttons. */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { Reply } from '../src/domain/reply.js';
import { type Decision, decidedCard, LEVEL_NAMES, REVIEW_STATUS_NAMES, reviewChain } from '../src/domain/review.js';
import { roleName } from '../src/domain/roles.js';
import { formatShanghai } from '../src/domain/time.js';
import { type CommandContext, defineCommand } from './core/types.js';
import { approverFor, load, facts, sendCard, replaceCard } from './review.js';
import { defineAction, idField } from './core/actions.js';
import type { ActionResult } from '../src/ports/inbound.js';

/** A decision on the current step by its approver: the core of both the card button and /审批 同意|退回. */
export async function decide(
  ctx: CommandContext,
  reviewId: number,
  decision: Decision,
  comment: string | null,
  via: 'card' | 'text',
  step?: number,
): Promise<{ text: string; card: Reply }> {
  const { review, unit, account } = await load(ctx, reviewId);
  if (review.status !== 'pending')
    throw new AppError({
      code: 'conflict',
      message: `R${review.id} ${REVIEW_STATUS_NAMES[review.status]}，不能再审批。`,
    });
  if (step !== undefined && step !== review.currentStep)
    throw new AppError({ code: 'conflict', message: `R${review.id} 的这一步已经处理过了。` });
  const steps = await ctx.store.reviews.steps(review.id);
  const current = steps.find((s) => s.step === review.currentStep);
  if (current?.status !== 'pending')
    throw new AppError({ code: 'conflict', message: `R${review.id} 的这一步已经处理过了。` });
  if (current.approverId !== ctx.caller.id) {
    throw new AppError({
      code: 'rule',
      message: `您不是 R${review.id} 当前这一步的审批人（应由${roleName(current.role)}审批）。`,
    });
  }
  if (decision === 'reject' && !comment)
    throw new AppError({ code: 'bad_argument', problems: ['退回须填写意见：说明需要修改的地方'] });

  const chain = reviewChain(review.level);
  const last = review.currentStep >= chain.length;
  const next = decision === 'approve' && !last ? review.currentStep + 1 : null;
  const to =
    decision === 'reject'
      ? { status: 'rejected' as const, currentStep: review.currentStep }
      : next
        ? { status: 'pending' as const, currentStep: next }
        : { status: 'approved' as const, currentStep: review.currentStep };
  ctx.write(
    ctx.store.reviews.decide({
      reviewId: review.id,
      step: review.currentStep,
      approverId: ctx.caller.id,
      status: decision === 'approve' ? 'approved' : 'rejected',
      comment,
      at: ctx.now,
      to,
    }),
  );
  ctx.audit(decision === 'approve' ? 'review.approve' : 'review.reject', `R${review.id}`, {
    step: review.currentStep,
    comment,
    via,
  });

  let nextLine: string | undefined;
  if (next) {
    const role = chain[next - 1]!;
    const approver = await approverFor(ctx, unit.id, role);
    if (!approver)
      throw new AppError({
        code: 'rule',
        message: `「${unit.name}」没有登记${roleName(role)}，无法送下一步审批；请管理员先登记。`,
      });
    ctx.write(
      ctx.store.reviews.addStep({
        reviewId: review.id,
        step: next,
        role,
        approverId: approver.id,
        status: 'pending',
        comment: null,
        decidedAt: null,
      }),
    );
    await sendCard(ctx, { ...review, currentStep: next }, unit, account, next, approver);
    nextLine = `已送${roleName(role)} ${approver.name} 审批`;
  }
  const f = await facts(ctx, review, unit, account, ctx.caller.id);
  const card = decidedCard(review, f, review.currentStep, {
    decision,
    by: ctx.caller.name,
    at: ctx.now,
    comment,
    next: nextLine,
  });
  // A decision typed as a command still turns the card into its record; a click gets the new card in the answer.
  if (via === 'text') await replaceCard(ctx, review.id, review.currentStep, card, 'decided');

  const requester = await ctx.store.people.byId(review.requesterId);
  const verdict =
    decision === 'reject'
      ? `被${ctx.caller.name}退回：${comment}`
      : next
        ? `${ctx.caller.name}已同意，${nextLine}`
        : `已审批通过（${ctx.caller.name}）`;
  const told: Reply = {
    title: `送审 R${review.id} ${decision === 'reject' ? '已退回' : next ? '进入下一步' : '已通过'}`,
    tone: decision === 'reject' ? 'error' : 'success',
    blocks: [
      { type: 'text', text: `「${review.title}」${verdict}。` },
      ...(decision === 'approve' && !next
        ? [{ type: 'note' as const, text: `发布后请发送 /发布 R${review.id} 链接=… 登记` }]
        : []),
      ...(decision === 'reject' ? [{ type: 'note' as const, text: '修改后可重新 /送审' }] : []),
    ],
  };
  if (requester && requester.id !== ctx.caller.id)
    await ctx.notify({ person: requester }, told, {
      dedupeKey: `review:R${review.id}:step:${review.currentStep}:told`,
    });
  if (!next) await ctx.notify({ unit }, told, { dedupeKey: `review:R${review.id}:final` });
  const text =
    decision === 'reject'
      ? `已退回 R${review.id}，已通知送审人。`
      : next
        ? `已同意 R${review.id}，${nextLine}。`
        : `已同意 R${review.id}，已通知送审人和单位工作群。`;
  return { text, card };
}

export const approveList = defineCommand({
  path: ['审批'],
  aliases: [['approve']],
  access: ['in_charge', 'principal'],
  summary: '查看等我审批的内容',
  usage: '/审批',
  examples: ['/审批'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const waiting = await ctx.store.reviews.waitingFor(ctx.caller.id);
    if (waiting.length === 0) return { blocks: [{ type: 'text', text: '没有等您审批的内容。' }] };
    const items: string[] = [];
    for (const r of waiting) {
      const requester = await ctx.store.people.byId(r.requesterId);
      const overdue = r.deadlineAt && r.deadlineAt < ctx.now ? '，⚠ 已超审核期限' : '';
      const planned = r.plannedAt
        ? `，计划 ${formatShanghai(r.plannedAt)} 发布${r.plannedAt < ctx.now ? '（已过）' : ''}`
        : '';
      items.push(
        `R${r.id} 「${r.title}」${LEVEL_NAMES[r.level]}，${requester?.name ?? ''} 送审于 ${formatShanghai(r.createdAt)}${planned}${overdue}`,
      );
    }
    return {
      title: `等您审批（${waiting.length}）`,
      blocks: [
        { type: 'list', items },
        { type: 'note', text: '同意：/审批 同意 R12 [意见=…]；退回：/审批 退回 R12 意见=…' },
      ],
    };
  },
});

export const decideCommand = (word: '同意' | '退回', decision: Decision) =>
  defineCommand({
    path: ['审批', word],
    aliases: [['approve', decision === 'approve' ? 'yes' : 'no']],
    access: ['in_charge', 'principal'],
    summary: decision === 'approve' ? '同意一条送审（审核卡片按钮的文字方式）' : '退回一条送审，须写意见',
    usage: decision === 'approve' ? '/审批 同意 R12 [意见=…]' : '/审批 退回 R12 意见=…',
    examples: [decision === 'approve' ? '/审批 同意 R12 意见=可以发布' : '/审批 退回 R12 意见=第二段数据请核实'],
    keys: { 送审: ['review', 'id'], 意见: ['comment', 'opinion'] },
    positional: ['送审'],
    args: (h) => z.object({ 送审: h.id('R', '送审'), 意见: h.text('意见', 500).optional() }),
    async run(ctx, a): Promise<Reply> {
      const r = await decide(ctx, a.送审, decision, a.意见 ?? null, 'text');
      return { tone: decision === 'approve' ? 'success' : 'info', blocks: [{ type: 'text', text: r.text }] };
    },
  });

/**
 * 同意 / 退回 on an approval card. Who decides is the operator; the payload only says which review and step the card
 * was for, and a card for a step that is no longer current is answered as such.
 */
const decideReview = defineAction({
  name: 'review.decide',
  access: ['in_charge', 'principal'],
  payload: z
    .object({
      review: idField('R'),
      step: z.coerce.number().int().min(1).max(9),
      decision: z.enum(['approve', 'reject']),
    })
    .loose(),
  async run(ctx: CommandContext, p, form): Promise<ActionResult> {
    const comment = (form.comment ?? '').trim().slice(0, 500) || null;
    if (p.decision === 'reject' && !comment) return { toast: { type: 'warning', text: '退回须在意见框中填写意见。' } };
    try {
      const r = await decide(ctx, p.review, p.decision, comment, 'card', p.step);
      return { toast: { type: p.decision === 'approve' ? 'success' : 'info', text: r.text }, card: r.card };
    } catch (e) {
      if (e instanceof AppError && e.data.code === 'conflict') return { toast: { type: 'info', text: e.data.message } };
      throw e;
    }
  },
});

export const approveCommands = [approveList, decideCommand('同意', 'approve'), decideCommand('退回', 'reject')];
export const approveActions = [decideReview];
