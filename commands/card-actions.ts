/** The buttons on the cards this bot sends, each mapped onto the command a user could have typed instead. */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import { formatShanghai } from '../src/domain/time.js';
import { type ActionResult, type CardAction, defineAction, idField } from './actions.js';
import { runCommand } from './dispatch.js';
import { registry } from './registry.js';
import { decide } from './review.js';
import type { CommandContext } from './types.js';

function spec(path: string[]) {
  const hit = registry.find(path[0] ?? '', path.slice(1));
  if (!hit || !('spec' in hit)) throw new Error(`no command ${path.join(' ')}`);
  return hit.spec;
}

function plainOf(reply: { blocks: { type: string; text?: string }[] }): string {
  return reply.blocks
    .map((b) => b.text ?? '')
    .filter(Boolean)
    .join(' ');
}

/** 备案确认 button on the admins' notification card: the same as `/备案 确认 F12`. */
const confirmFiling = defineAction({
  name: 'filing.confirm',
  access: ['admin'],
  payload: z.object({ filing: idField('F') }).loose(),
  async run(ctx: CommandContext, p): Promise<ActionResult> {
    try {
      const reply = await runCommand(ctx, spec(['备案', '确认']), { 备案: `F${p.filing}` });
      return {
        toast: { type: 'success', text: plainOf(reply) },
        card: {
          title: `备案已确认 F${p.filing}`,
          tone: 'success',
          blocks: [{ type: 'text', text: `${plainOf(reply)}\n确认人：${ctx.caller.name}，${formatShanghai(ctx.now)}` }],
        },
      };
    } catch (e) {
      if (e instanceof AppError && e.data.code === 'conflict') {
        return {
          toast: { type: 'info', text: e.data.message },
          card: { title: `备案 F${p.filing}`, tone: 'info', blocks: [{ type: 'text', text: e.data.message }] },
        };
      }
      throw e;
    }
  },
});

/** 刷新 button on a register card: the same query again, as whoever clicked (their units, their view). */
const refreshRegister = defineAction({
  name: 'register.refresh',
  access: ['registered'],
  payload: z
    .object({
      unit: z.string().max(60).optional(),
      status: z.string().max(10).optional(),
      platform: z.string().max(20).optional(),
    })
    .loose(),
  async run(ctx: CommandContext, p): Promise<ActionResult> {
    const values: Record<string, unknown> = {};
    if (p.unit) values.单位 = p.unit;
    if (p.status) values.状态 = p.status;
    if (p.platform) values.平台 = p.platform;
    const reply = await runCommand(ctx, spec(['账号']), values);
    return { toast: { type: 'success', text: `已刷新（${formatShanghai(ctx.now)}）` }, card: reply };
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

export const cardActions: CardAction[] = [confirmFiling, refreshRegister, decideReview];
