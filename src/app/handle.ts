/**
 * One inbound message, end to end inside the core: de-duplicate by event id, dispatch, then commit the command's
 * writes, the event id and the reply (as an outbox row, for platform channels) in one atomic write.
 */
import { type ActionResult, type CardAction, type CardActionInput, dispatchAction } from '../../commands/actions.js';
import type { Registry } from '../../commands/dispatch.js';
import { dispatch } from '../../commands/dispatch.js';
import { errorReply } from '../../commands/errors.js';
import type { Services } from '../../commands/types.js';
import type { Reply } from '../domain/reply.js';
import type { InboundMessage } from '../ports/inbound.js';
import { ConflictError, DuplicateEventError, StoreBusyError, type Write } from '../ports/store.js';

export interface HandleResult {
  reply: Reply | null;
  duplicate: boolean;
  notified: string[];
  command: string | null;
}

export interface HandleOptions {
  /** 'outbox': queue the reply for delivery (platform channels); 'return': the caller shows it (console) */
  replyVia: 'outbox' | 'return';
}

export function eventKey(msg: InboundMessage): string | null {
  return msg.eventId ? `${msg.chat.channel}:${msg.eventId}` : null;
}

export async function handleInbound(
  services: Services,
  registry: Registry,
  msg: InboundMessage,
  opts: HandleOptions,
): Promise<HandleResult> {
  const { store, clock, log } = services;
  const key = eventKey(msg);
  if (key && (await store.events.seen(key))) return { reply: null, duplicate: true, notified: [], command: null };

  const replyWrites = (reply: Reply | null): Write[] => {
    if (!reply || opts.replyVia !== 'outbox') return [];
    const target = msg.messageId ? 'reply' : msg.chat.type === 'group' ? 'chat' : 'user';
    return [
      store.outbox.enqueue(
        {
          channel: msg.chat.channel,
          targetType: target,
          target: target === 'user' ? msg.sender.externalId : msg.chat.id,
          replyTo: msg.messageId ?? null,
          payload: reply,
          dedupeKey: key ? `reply:${key}` : null,
        },
        clock.now(),
      ),
    ];
  };
  const eventWrites = (): Write[] => (key ? [store.events.record(key, clock.now())] : []);

  // A guarded write that lost a race means the state changed under us: dispatch again, once, against the new state.
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await dispatch(services, registry, msg);
    try {
      await store.commit([...result.writes, ...eventWrites(), ...replyWrites(result.reply)]);
      return { reply: result.reply, duplicate: false, notified: result.notified, command: result.command };
    } catch (e) {
      if (e instanceof DuplicateEventError) return { reply: null, duplicate: true, notified: [], command: null };
      // locked by another process: nothing was written, not even the event id; the caller answers so that the
      // platform sends the event again
      if (e instanceof StoreBusyError) throw e;
      if (e instanceof ConflictError && attempt === 0) {
        log.info({ label: e.label, command: result.command }, 'write conflict, dispatching again');
        continue;
      }
      const ref = `E${Date.now().toString(36).toUpperCase()}`;
      log.error({ err: e, ref, command: result.command }, 'commit failed');
      const reply =
        e instanceof ConflictError
          ? errorReply({ code: 'conflict', message: '操作未完成：数据刚被他人修改，请重试。' })
          : errorReply({ code: 'internal', ref });
      try {
        await store.commit([...eventWrites(), ...replyWrites(reply)]);
      } catch (e2) {
        if (e2 instanceof DuplicateEventError) return { reply: null, duplicate: true, notified: [], command: null };
        log.error({ err: e2, ref }, 'could not record the failure reply');
        // nothing at all was committed: fail the request so that the platform retries rather than lose the command
        if (opts.replyVia === 'outbox') throw e2;
      }
      return { reply, duplicate: false, notified: [], command: result.command };
    }
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}

/**
 * A card button click: de-duplicate by event id, run the action as the operator, commit its writes with the event id.
 * Returns what the platform shows at once (a toast, and the card as it should look now).
 */
export async function handleCardAction(
  services: Services,
  actions: readonly CardAction[],
  input: CardActionInput,
): Promise<ActionResult & { duplicate: boolean }> {
  const { store, clock, log } = services;
  const key = `${input.operator.channel}:${input.eventId}`;
  const already: ActionResult & { duplicate: boolean } = { toast: { type: 'info', text: '已处理。' }, duplicate: true };
  if (await store.events.seen(key)) return already;
  for (let attempt = 0; attempt < 2; attempt++) {
    const d = await dispatchAction(services, actions, input);
    try {
      await store.commit([...d.writes, store.events.record(key, clock.now())]);
      return { ...d.result, duplicate: false };
    } catch (e) {
      if (e instanceof DuplicateEventError) return already;
      if (e instanceof StoreBusyError) throw e; // nothing written: the callback fails and can be tried again
      if (e instanceof ConflictError && attempt === 0) continue;
      log.error({ err: e, action: input.value.action }, 'card action commit failed');
      return {
        toast: {
          type: 'error',
          text: e instanceof ConflictError ? '操作未完成：数据刚被他人修改，请重试。' : '系统出错了，请稍后再试。',
        },
        duplicate: false,
      };
    }
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}
