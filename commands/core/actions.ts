/**
 * Card actions: what a button on a card does. Handlers are chosen by the payload's `action`; who clicked is the
 * platform's operator identity, never anything in the payload, and the operator's own roles decide what is allowed.
 */
import { z } from 'zod';
import { AppError } from '../../src/domain/errors.js';
import type { ActionResult, CardActionInput } from '../../src/ports/inbound.js';
import { StoreBusyError, type Write } from '../../src/ports/write.js';
import { buildContext, canRun, errorRef, resolveCaller } from './dispatch.js';
import { BUTTON_TEXT, errorText } from './errors.js';
import type { Access, CommandContext } from './types.js';
import type { Services } from '../../src/ports/services.js';

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
    if (!action) return { result: { toast: { type: 'error', text: BUTTON_TEXT.unknown } }, writes: [], notified: [] };
    const caller = await resolveCaller(services, input.operator, now);
    base = caller.writes;
    if (!canRun(action, caller.person, caller.isAdmin)) {
      if (!caller.person) throw new AppError({ code: 'not_registered', admins: [] });
      throw new AppError({ code: 'rule', message: BUTTON_TEXT.forbidden });
    }
    const p = action.payload.safeParse(input.value);
    if (!p.success)
      return {
        result: { toast: { type: 'error', text: BUTTON_TEXT.invalid } },
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
