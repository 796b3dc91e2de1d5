/**
 * Card actions: what a button on a card does. Handlers are chosen by the payload's `action`; who clicked is the
 * platform's operator identity, never anything in the payload, and the operator's own roles decide what is allowed.
 */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { Identity } from '../src/domain/model.js';
import type { Reply } from '../src/domain/reply.js';
import type { ChatRef } from '../src/ports/inbound.js';
import { StoreBusyError, type Write } from '../src/ports/store.js';
import { buildContext, canRun, errorRef, resolveCaller } from './dispatch.js';
import { errorText } from './errors.js';
import type { Access, CommandContext, Services } from './types.js';

export interface CardActionInput {
  eventId: string;
  operator: Identity;
  /** the button's value as the platform returns it (untrusted for identity) */
  value: Record<string, unknown>;
  /** form inputs (e.g. a comment box) */
  form: Record<string, string>;
  /** the card's message id */
  messageId: string | null;
  chat: ChatRef;
}

export type ToastType = 'success' | 'info' | 'warning' | 'error';

export interface ActionResult {
  toast: { type: ToastType; text: string };
  /** the card as it should look now (replaces the clicked card), if it changed */
  card?: Reply;
}

export interface CardAction<P = unknown> {
  name: string;
  access: readonly Access[];
  payload: z.ZodType<P>;
  run(ctx: CommandContext, payload: P, form: Record<string, string>, input: CardActionInput): Promise<ActionResult>;
}

export function defineAction<S extends z.ZodType>(
  a: Omit<CardAction<z.output<S>>, 'payload'> & { payload: S },
): CardAction<unknown> {
  return a as unknown as CardAction<unknown>;
}

export interface ActionDispatch {
  result: ActionResult;
  writes: Write[];
  notified: string[];
}

export async function dispatchAction(
  services: Services,
  actions: readonly CardAction[],
  input: CardActionInput,
): Promise<ActionDispatch> {
  const now = services.clock.now();
  let base: Write[] = [];
  const name = typeof input.value.action === 'string' ? input.value.action : '';
  try {
    const action = actions.find((a) => a.name === name);
    if (!action)
      return { result: { toast: { type: 'error', text: '此按钮已失效，请改用命令操作。' } }, writes: [], notified: [] };
    const caller = await resolveCaller(services, input.operator, now);
    base = caller.writes;
    if (!canRun(action, caller.person, caller.isAdmin)) {
      if (!caller.person) throw new AppError({ code: 'not_registered', admins: [] });
      throw new AppError({ code: 'rule', message: '您无权进行此操作。' });
    }
    const p = action.payload.safeParse(input.value);
    if (!p.success)
      return {
        result: { toast: { type: 'error', text: '按钮数据无效，请改用命令操作。' } },
        writes: base,
        notified: [],
      };
    const ctx = await buildContext(services, caller, input.operator, input.chat, now);
    const result = await action.run(ctx, p.data, input.form, input);
    return { result, writes: [...base, ...ctx.writes], notified: ctx.notified };
  } catch (e) {
    if (e instanceof StoreBusyError) throw e; // nothing written yet: the request fails and is retried whole
    if (e instanceof AppError)
      return {
        result: {
          toast: {
            type: e.data.code === 'conflict' || e.data.code === 'rule' ? 'warning' : 'error',
            text: errorText(e.data),
          },
        },
        writes: base,
        notified: [],
      };
    const ref = errorRef();
    services.log.error({ err: e, ref, action: name }, 'card action failed');
    return {
      result: { toast: { type: 'error', text: errorText({ code: 'internal', ref }) } },
      writes: base,
      notified: [],
    };
  }
}

/** Shared payload piece: an id like 12 or "12" or "F12". */
export const idField = (prefix: string) =>
  z
    .union([z.number().int().positive(), z.string().regex(new RegExp(`^${prefix}?\\d{1,9}$`, 'i'))])
    .transform((v) => (typeof v === 'number' ? v : Number(v.replace(/\D/g, ''))));
