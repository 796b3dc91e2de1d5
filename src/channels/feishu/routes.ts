/**
 * The Feishu webhooks on the Hono app:
 *   POST /feishu/events  event subscription (url_verification, im.message.receive_v1, bot added to a chat)
 *   POST /feishu/cards   card callbacks (card.action.trigger): a toast and the updated card, within Feishu's 3 s
 * Each request is size-limited, verified and decrypted before anything else; a forged, malformed or oversized one gets
 * a 4xx and has no effect. The database work and the queuing of replies happen before the answer; sending happens
 * after, in the delivery loop.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { CardAction } from '../../../commands/actions.js';
import type { Registry } from '../../../commands/dispatch.js';
import type { Services } from '../../../commands/types.js';
import { handleCardAction, handleInbound } from '../../app/handle.js';
import type { Reply } from '../../domain/reply.js';
import { renderCard } from './card.js';
import { toCardAction, toInboundMessage } from './inbound.js';
import type { FeishuEnvelope, FeishuVerifier } from './verify.js';

export const MAX_BODY_BYTES = 512 * 1024;

export interface FeishuRouteDeps {
  services: Services;
  registry: Registry;
  actions: readonly CardAction[];
  verifier: FeishuVerifier;
  /** the bot's own open_id when known */
  botOpenId(): string | null;
  /** wake the delivery loop */
  kick(): void;
}

const WELCOME: Reply = {
  title: '政务新媒体助手',
  blocks: [
    {
      type: 'text',
      text: '大家好，我是政务新媒体助手：备案账号、送审内容、提醒更新和转载。在群里 @我 并发送 /帮助 查看可用命令。',
    },
    { type: 'note', text: '管理员请在本群发送 @我 /单位 绑定群 单位=单位名称，把本群设为该单位的工作群。' },
  ],
};

export function mountFeishu(app: Hono, deps: FeishuRouteDeps): void {
  const { services } = deps;
  const log = services.log;
  const limit = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: 'request body too large' }, 413),
  });

  const open = async (raw: ArrayBuffer, headers: Headers) =>
    deps.verifier.open(new Uint8Array(raw), headers, services.clock.now());

  async function onCardAction(env: FeishuEnvelope): Promise<Record<string, unknown>> {
    const input = toCardAction(env);
    if (!input) return { toast: { type: 'error', content: '无法识别的操作。' } };
    const r = await handleCardAction(services, deps.actions, input);
    deps.kick();
    const body: Record<string, unknown> = { toast: { type: r.toast.type, content: r.toast.text } };
    if (r.card && !r.duplicate) body.card = { type: 'raw', data: renderCard(r.card) };
    return body;
  }

  app.post('/feishu/events', limit, async (c) => {
    const opened = await open(await c.req.arrayBuffer(), c.req.raw.headers);
    if (opened.kind === 'reject') {
      log.warn({ path: '/feishu/events', reason: opened.reason }, 'feishu request refused');
      return c.json({ error: opened.reason }, opened.status);
    }
    if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge });
    const env = opened.body;
    const type = env.header?.event_type;
    if (type === 'im.message.receive_v1') {
      const m = toInboundMessage(env, deps.botOpenId());
      if (m.kind === 'ignore') {
        log.debug({ reason: m.reason }, 'feishu message ignored');
        return c.json({});
      }
      const message =
        m.kind === 'message'
          ? m.message
          : {
              // a picture, a file, a sticker: in a direct chat the bot answers with how to use it
              eventId: m.eventId,
              messageId: m.messageId,
              chat: { channel: 'feishu' as const, id: m.chatId, type: m.chatType },
              sender: { channel: 'feishu' as const, externalId: m.sender },
              text: '',
              mentions: [],
            };
      const r = await handleInbound(services, deps.registry, message, { replyVia: 'outbox' });
      log.info({ event: env.header?.event_id, command: r.command, duplicate: r.duplicate }, 'feishu message handled');
      deps.kick();
      return c.json({});
    }
    if (type === 'card.action.trigger') return c.json(await onCardAction(env));
    if (type === 'im.chat.member.bot.added_v1') {
      const chatId = (env.event as { chat_id?: unknown } | undefined)?.chat_id;
      const eventId = env.header?.event_id;
      if (typeof chatId === 'string' && eventId) {
        const { store, clock } = services;
        try {
          await store.commit([
            store.events.record(`feishu:${eventId}`, clock.now()),
            store.outbox.enqueue(
              {
                channel: 'feishu',
                targetType: 'chat',
                target: chatId,
                payload: WELCOME,
                dedupeKey: `welcome:feishu:${chatId}`,
              },
              clock.now(),
            ),
          ]);
          deps.kick();
        } catch (e) {
          if (!(e instanceof Error && e.name === 'DuplicateEventError')) throw e;
        }
      }
      return c.json({});
    }
    log.debug({ type }, 'feishu event type not handled');
    return c.json({});
  });

  app.post('/feishu/cards', limit, async (c) => {
    const opened = await open(await c.req.arrayBuffer(), c.req.raw.headers);
    if (opened.kind === 'reject') {
      log.warn({ path: '/feishu/cards', reason: opened.reason }, 'feishu request refused');
      return c.json({ error: opened.reason }, opened.status);
    }
    if (opened.kind === 'challenge') return c.json({ challenge: opened.challenge });
    if (opened.body.header?.event_type !== 'card.action.trigger') return c.json({});
    return c.json(await onCardAction(opened.body));
  });
}
