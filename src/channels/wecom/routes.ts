/**
 * The WeCom webhooks on the Hono app:
 *   GET/POST /wecom/callback  the self-built app (XML): URL verification, direct-chat messages, template-card clicks
 *   GET/POST /wecom/bot       the AI bot (JSON), see bot.ts
 * Every request is size-limited, its signature checked (constant time), its timestamp checked for staleness, and its
 * body decrypted with the receive id checked before anything else; a forged, stale, malformed or oversized one gets a
 * 4xx and has no effect. The answer is an empty 200 within WeCom's 5 s: replies go through the outbox.
 * A card click is committed before the answer (WeCom does not retry it); the card is then replaced through
 * message/update_template_card with the click's one-use ResponseCode, kept in channel_state by the card's task id.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from '../../http/body-limit.js';
import { handleCardAction, handleInbound } from '../../app/handle.js';
import type { Reply } from '../../domain/reply.js';
import type { ChannelState } from '../../ports/channel-state.js';
import type { CardActionInput } from '../../ports/inbound.js';
import type { Services } from '../../ports/services.js';
import { DuplicateEventError, type Write } from '../../ports/write.js';
import type { ChannelDeps } from '../channel.js';
import { CARD_CODE_TTL_MS, stateKeys } from './client.js';
import type { WecomConfig } from './config.js';
import { createCipher, type WecomCipher, WecomCryptoError } from './crypto.js';
import { fromAppXml } from './inbound.js';
import { parseFlatXml, XmlError } from './xml.js';

export const MAX_BODY_BYTES = 64 * 1024;
/** a callback whose timestamp is further than this from now is refused as stale (a replay) */
export const MAX_SKEW_MS = 10 * 60_000;

export interface WecomRouteDeps extends ChannelDeps {
  config: WecomConfig;
  state: ChannelState;
}

export type Opened = { ok: true; plain: string } | { ok: false; status: 400 | 403; reason: string };

/** Check the query's signature and timestamp over `encrypt`, then decrypt it. */
export function openSigned(
  cipher: WecomCipher,
  q: (name: string) => string | undefined,
  encrypt: string,
  now: Date,
): Opened {
  const signature = q('msg_signature') ?? '';
  const timestamp = q('timestamp') ?? '';
  const nonce = q('nonce') ?? '';
  if (
    !/^[0-9a-fA-F]{40}$/.test(signature) ||
    !/^\d{1,12}$/.test(timestamp) ||
    !/^[A-Za-z0-9]{1,64}$/.test(nonce) ||
    encrypt === '' ||
    encrypt.length > MAX_BODY_BYTES
  ) {
    return { ok: false, status: 400, reason: 'missing or malformed msg_signature, timestamp, nonce or encrypted text' };
  }
  try {
    const plain = cipher.open({ signature, timestamp, nonce, encrypt });
    if (Math.abs(now.getTime() - Number(timestamp) * 1000) > MAX_SKEW_MS)
      return { ok: false, status: 403, reason: 'stale timestamp' };
    return { ok: true, plain };
  } catch (e) {
    if (e instanceof WecomCryptoError)
      return {
        ok: false,
        status: e.reason === 'signature' || e.reason === 'receive_id' ? 403 : 400,
        reason: e.message,
      };
    throw e;
  }
}

export const limit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text('request body too large', 413) });

export function refuse(
  c: Context,
  services: Services,
  path: string,
  o: { status: 400 | 403; reason: string },
): Response {
  services.log.warn({ path, reason: o.reason }, 'wecom request refused');
  return c.text(o.status === 403 ? 'forbidden' : 'bad request', o.status);
}

/** Queue a message to a user unless this event already did (a duplicate event queues nothing). */
async function tellOnce(
  services: Services,
  eventKey: string,
  userId: string,
  reply: Reply,
  extra: Write[] = [],
): Promise<void> {
  const { store, clock } = services;
  try {
    await store.commit([
      ...extra,
      store.events.record(eventKey, clock.now()),
      store.outbox.enqueue(
        { channel: 'wecom', targetType: 'user', target: userId, payload: reply, dedupeKey: `told:${eventKey}` },
        clock.now(),
      ),
    ]);
  } catch (e) {
    if (!(e instanceof DuplicateEventError)) throw e;
  }
}

export function mountWecom(app: Hono, deps: WecomRouteDeps): void {
  const { config, state } = deps;
  const { services, registry, actions } = deps.core;
  const log = deps.log;
  const appConfig = config.app;
  if (!appConfig) return;
  const cipher = createCipher({
    token: appConfig.token,
    encodingAesKey: appConfig.encodingAesKey,
    receiveId: appConfig.corpId,
  });

  app.get('/wecom/callback', (c) => {
    const echostr = c.req.query('echostr') ?? '';
    const opened = openSigned(cipher, (n) => c.req.query(n), echostr, services.clock.now());
    if (!opened.ok) return refuse(c, services, '/wecom/callback', opened);
    // the bare plaintext: no quotes, no BOM, no newline
    return c.body(opened.plain, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });

  app.post('/wecom/callback', limit, async (c) => {
    let outer: Record<string, string>;
    try {
      outer = parseFlatXml(await c.req.text());
    } catch (e) {
      if (e instanceof XmlError)
        return refuse(c, services, '/wecom/callback', { status: 400, reason: `malformed XML: ${e.message}` });
      throw e;
    }
    const opened = openSigned(cipher, (n) => c.req.query(n), outer.Encrypt ?? '', services.clock.now());
    if (!opened.ok) return refuse(c, services, '/wecom/callback', opened);
    let inner: Record<string, string>;
    try {
      inner = parseFlatXml(opened.plain);
    } catch (e) {
      if (e instanceof XmlError)
        return refuse(c, services, '/wecom/callback', { status: 400, reason: `malformed inner XML: ${e.message}` });
      throw e;
    }
    const m = fromAppXml(inner);
    if (m.kind === 'ignore') {
      log.debug({ reason: m.reason }, 'wecom callback ignored');
      return c.body('', 200);
    }
    if (m.kind === 'message') {
      const r = await handleInbound(services, registry, m.message, { replyVia: 'outbox' });
      log.info({ event: m.message.eventId, command: r.command, duplicate: r.duplicate }, 'wecom message handled');
      deps.kick();
      return c.body('', 200);
    }
    await onCardClick(m.input, m.taskId, m.responseCode);
    deps.kick();
    return c.body('', 200);
  });

  async function onCardClick(input: CardActionInput, taskId: string, responseCode: string | null): Promise<void> {
    const { store, clock } = services;
    const now = clock.now();
    const taskRaw = await state.get(stateKeys.task(taskId), now);
    let task: { key: string; user: string } | null = null;
    try {
      task = taskRaw ? (JSON.parse(taskRaw) as { key: string; user: string }) : null;
    } catch {
      task = null;
    }
    const eventKey = `wecom:${input.eventId}`;
    if (await store.events.seen(eventKey)) return;
    // The click's code is the one to update the card with (one use, 72 hours); only for a card we sent to this user.
    if (task && responseCode && task.user === input.operator.externalId) {
      await state.put(stateKeys.clickCode(taskId), responseCode, new Date(now.getTime() + CARD_CODE_TTL_MS), now);
    }
    const v = input.value;
    if (v.action === 'review.decide' && v.decision === 'reject') {
      // A template card has no comment box: the reason is asked for in the chat.
      const id =
        typeof v.review === 'number' || typeof v.review === 'string' ? String(v.review).replace(/\D/g, '') : '';
      await tellOnce(services, eventKey, input.operator.externalId, {
        blocks: [
          {
            type: 'text',
            text: `退回须写明意见。请发送：/审批 退回 R${id || '编号'} 意见=需要修改的地方（卡片将随之更新）`,
          },
        ],
      });
      return;
    }
    const r = await handleCardAction(services, actions, input);
    if (r.duplicate) return;
    if (r.card && task) {
      try {
        await store.commit(
          store.outbox.enqueue(
            {
              channel: 'wecom',
              targetType: 'update',
              target: task.user,
              updateOf: task.key,
              payload: r.card,
              dedupeKey: `${task.key}:decided`,
              // the click's one-use ResponseCode travels with the row (a spare copy stays in channel_state)
              updateToken: task.user === input.operator.externalId ? responseCode : null,
            },
            now,
          ),
        );
      } catch (e) {
        log.error({ err: e, taskId }, 'could not queue the card update');
      }
      return;
    }
    // No card change (not the approver, already decided …): say why in the chat, once.
    try {
      const tone = r.toast.type === 'warning' || r.toast.type === 'error' ? r.toast.type : 'info';
      await store.commit(
        store.outbox.enqueue(
          {
            channel: 'wecom',
            targetType: 'user',
            target: input.operator.externalId,
            payload: { tone, blocks: [{ type: 'text', text: r.toast.text }] },
            dedupeKey: `told:${eventKey}`,
          },
          clock.now(),
        ),
      );
    } catch (e) {
      log.error({ err: e }, 'could not queue the click answer');
    }
  }
}
