/**
 * The Feishu webhooks on the Hono app:
 *   POST /feishu/events  event subscription (url_verification, im.message.receive_v1, bot added to a chat)
 *   POST /feishu/cards   card callbacks (card.action.trigger): a toast and the updated card, within Feishu's 3 s
 * Each route does: size limit, verify and decrypt (through the SDK), answer the challenge, then the handler of the
 * event type. What a message, a click or a join means is the application layer's (src/app/handle.ts); this file only
 * translates. The database work and the queuing of replies happen before the answer; sending happens after.
 */
import type { Hono } from 'hono';
import { bodyLimit } from '../../http/body-limit.js';
import { handleBotAdded, handleCardAction, handleInbound } from '../../app/handle.js';
import type { ChannelDeps } from '../channel.js';
import { renderCard } from './card.js';
import { toCardAction, toInboundMessage } from './inbound.js';
import type { FeishuEnvelope, FeishuVerifier } from './verify.js';

export const MAX_BODY_BYTES = 512 * 1024;

export interface FeishuRouteDeps extends ChannelDeps {
  verifier: FeishuVerifier;
  /** the bot's own open_id when known */
  botOpenId(): string | null;
}

type Handler = (env: FeishuEnvelope) => Promise<Record<string, unknown>>;

export function mountFeishu(app: Hono, deps: FeishuRouteDeps): void {
  const { services, registry, actions } = deps.core;
  const log = deps.log;
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: 'request body too large' }, 413),
  });

  const onCardAction: Handler = async (env) => {
    const input = toCardAction(env);
    if (!input) return { toast: { type: 'error', content: '无法识别的操作。' } };
    const r = await handleCardAction(services, actions, input);
    deps.kick();
    const body: Record<string, unknown> = { toast: { type: r.toast.type, content: r.toast.text } };
    if (r.card && !r.duplicate) body.card = { type: 'raw', data: renderCard(r.card) };
    return body;
  };

  const handlers: Record<string, Handler> = {
    async 'im.message.receive_v1'(env) {
      const m = toInboundMessage(env, deps.botOpenId());
      if (m.kind === 'ignore') {
        log.debug({ reason: m.reason }, 'feishu message ignored');
        return {};
      }
      const r = await handleInbound(services, registry, m.message, { replyVia: 'outbox' });
      log.info({ event: env.header?.event_id, command: r.command, duplicate: r.duplicate }, 'feishu message handled');
      deps.kick();
      return {};
    },
    'card.action.trigger': onCardAction,
    async 'im.chat.member.bot.added_v1'(env) {
      const chatId = (env.event as { chat_id?: unknown } | undefined)?.chat_id;
      const eventId = env.header?.event_id;
      if (typeof chatId === 'string' && eventId) {
        await handleBotAdded(services, { channel: 'feishu', chatId, eventId });
        deps.kick();
      }
      return {};
    },
  };

  const route = (path: string, only?: string) =>
    app.post(path, limit, async (c) => {
      const opened = await deps.verifier.open(
        new Uint8Array(await c.req.arrayBuffer()),
        c.req.raw.headers,
        services.clock.now(),
      );
      if (opened.kind === 'reject') {
        log.warn({ path, reason: opened.reason }, 'feishu request refused');
        return c.json({ error: opened.reason }, opened.status);
      }
      if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge });
      const type = opened.body.header?.event_type ?? '';
      const handler =
        (only === undefined || type === only) && Object.hasOwn(handlers, type) ? handlers[type] : undefined;
      if (!handler) {
        log.debug({ type }, 'feishu event type not handled');
        return c.json({});
      }
      return c.json(await handler(opened.body));
    });

  route('/feishu/events');
  route('/feishu/cards', 'card.action.trigger');
}
