/**
 * What happens to anything a channel hands the core, the same on every channel:
 * - a message: de-duplicate by event id, dispatch, then commit the command's writes, the event id and the reply (as
 *   an outbox row, for platform channels) in one atomic write; a message that is not text is answered like chatter;
 * - a card button click: de-duplicate, run the action as the operator, commit its writes with the event id (a click
 *   with no writes, such as a refused one, records nothing), and say what the platform shows at once;
 * - the bot added to a chat: the welcome, once per chat.
 */
import type { CardAction } from '../../commands/core/actions.js';
import { dispatchAction } from '../../commands/core/actions.js';
import type { Registry } from '../../commands/core/dispatch.js';
import { dispatch } from '../../commands/core/dispatch.js';
import { BUTTON_TEXT, CONFLICT_TEXT, errorReply } from '../../commands/core/errors.js';
import type { ChannelName } from '../domain/model.js';
import type { Reply } from '../domain/reply.js';
import type { ActionResult, CardActionInput, InboundMessage } from '../ports/inbound.js';
import type { Services } from '../ports/services.js';
import { ConflictError, DuplicateEventError, StoreBusyError, type Write } from '../ports/write.js';

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

const DUPLICATE: HandleResult = { reply: null, duplicate: true, notified: [], command: null };

export async function handleInbound(
  services: Services,
  registry: Registry,
  inbound: InboundMessage,
  opts: HandleOptions,
): Promise<HandleResult> {
  const { store, clock, log } = services;
  // A picture, a file, a sticker: no command in it; in a direct chat the bot answers with how to use it.
  const msg = inbound.kind === 'other' ? { ...inbound, text: '', mentions: [] } : inbound;
  const key = eventKey(msg);
  if (key && (await store.events.seen(key))) return DUPLICATE;

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
      // The event id first: a retry racing the first delivery fails on it, as a duplicate, before anything else.
      await store.commit([...eventWrites(), ...result.writes, ...replyWrites(result.reply)]);
      return { reply: result.reply, duplicate: false, notified: result.notified, command: result.command };
    } catch (e) {
      if (e instanceof DuplicateEventError) return DUPLICATE;
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
          ? errorReply({ code: 'conflict', message: CONFLICT_TEXT })
          : errorReply({ code: 'internal', ref });
      try {
        await store.commit([...eventWrites(), ...replyWrites(reply)]);
      } catch (e2) {
        if (e2 instanceof DuplicateEventError) return DUPLICATE;
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
  const already: ActionResult & { duplicate: boolean } = {
    toast: { type: 'info', text: BUTTON_TEXT.done },
    duplicate: true,
  };
  if (await store.events.seen(key)) return already;
  for (let attempt = 0; attempt < 2; attempt++) {
    const d = await dispatchAction(services, actions, input);
    // A click that changes nothing — refused (not allowed, a stale or forged card, an unknown action) or only
    // answered — leaves no trace: a retry of it is answered the same way, and clicks nobody may make do not grow the
    // event table.
    if (d.writes.length === 0) return { ...d.result, duplicate: false };
    try {
      await store.commit([...d.writes, store.events.record(key, clock.now())]);
      return { ...d.result, duplicate: false };
    } catch (e) {
      if (e instanceof DuplicateEventError) return already;
      if (e instanceof StoreBusyError) throw e; // nothing written: the callback fails and can be tried again
      if (e instanceof ConflictError && attempt === 0) continue;
      log.error({ err: e, action: input.value.action }, 'card action commit failed');
      return {
        toast: { type: 'error', text: e instanceof ConflictError ? CONFLICT_TEXT : BUTTON_TEXT.failed },
        duplicate: false,
      };
    }
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}

export const WELCOME: Reply = {
  title: '政务新媒体助手',
  blocks: [
    {
      type: 'text',
      text: '大家好，我是政务新媒体助手：备案账号、送审内容、提醒更新和转载。在群里 @我 并发送 /帮助 查看可用命令。',
    },
    { type: 'note', text: '管理员请在本群发送 @我 /单位 绑定群 单位=单位名称，把本群设为该单位的工作群。' },
  ],
};

/** The bot was added to a chat: the welcome, once per chat (a retried event has no second effect). */
export async function handleBotAdded(
  services: Services,
  added: { channel: ChannelName; chatId: string; eventId: string },
): Promise<{ duplicate: boolean }> {
  const { store, clock } = services;
  try {
    await store.commit([
      store.events.record(`${added.channel}:${added.eventId}`, clock.now()),
      store.outbox.enqueue(
        {
          channel: added.channel,
          targetType: 'chat',
          target: added.chatId,
          payload: WELCOME,
          dedupeKey: `welcome:${added.channel}:${added.chatId}`,
        },
        clock.now(),
      ),
    ]);
    return { duplicate: false };
  } catch (e) {
    if (e instanceof DuplicateEventError) return { duplicate: true };
    throw e;
  }
}
