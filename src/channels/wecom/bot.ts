/**
 * The WeCom AI bot (智能机器人, API mode) callback on the Hono app: GET/POST /wecom/bot.
 * Same signature and AES scheme as the app, with an empty receive id; the POST body is JSON `{"encrypt": "…"}` and the
 * decrypted message is JSON (msgid, chatid, chattype, from.userid, response_url, msgtype, text.content).
 *
 * Replies: the callback answers an empty 200 at once, and the command's answer is queued in the outbox and sent by
 * one POST to the message's `response_url` (one use, valid an hour; markdown). A passive stream reply was not chosen:
 * its answer must be ready within the callback's time or be refreshed by WeCom polling the stream, while the outbox
 * gives a slow command, a restart or a failed send the same single answer, retried with the rest of the outbox.
 */
import type { Hono } from 'hono';
import { handleInbound } from '../../app/handle.js';
import type { ChannelState } from '../../ports/channel-state.js';
import type { ChannelDeps } from '../channel.js';
import { RESPONSE_URL_TTL_MS, stateKeys } from './client.js';
import type { WecomBotConfig } from './config.js';
import { createCipher } from './crypto.js';
import { fromBot, parseBotJson } from './inbound.js';
import { limit, openSigned, refuse } from './routes.js';

export interface WecomBotRouteDeps extends ChannelDeps {
  bot: WecomBotConfig;
  state: ChannelState;
  /** the WeCom API host a response_url must be on (the host of WECOM_BASE_URL) */
  apiHost: string;
}

/** A response_url is used only when it points at the WeCom API host over https (or a loopback host in tests). */
function safeResponseUrl(raw: string | null, apiHost: string): string | null {
  if (!raw || raw.length > 2_000) return null;
  try {
    const u = new URL(raw);
    const loopback = /^(127\.0\.0\.1|localhost)(:\d+)?$/.test(apiHost);
    if (u.host !== apiHost) return null;
    if (u.protocol !== 'https:' && !(loopback && u.protocol === 'http:')) return null;
    return u.toString();
  } catch {
    return null;
  }
}

export function mountWecomBot(app: Hono, deps: WecomBotRouteDeps): void {
  const { bot, state } = deps;
  const { services, registry } = deps.core;
  const log = deps.log;
  const cipher = createCipher({ token: bot.token, encodingAesKey: bot.encodingAesKey, receiveId: '' });

  app.get('/wecom/bot', (c) => {
    const opened = openSigned(cipher, (n) => c.req.query(n), c.req.query('echostr') ?? '', services.clock.now());
    if (!opened.ok) return refuse(c, services, '/wecom/bot', opened);
    return c.body(opened.plain, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });

  app.post('/wecom/bot', limit, async (c) => {
    let encrypt = '';
    try {
      const body: unknown = JSON.parse(await c.req.text());
      if (body && typeof body === 'object' && typeof (body as { encrypt?: unknown }).encrypt === 'string')
        encrypt = (body as { encrypt: string }).encrypt;
    } catch {
      return refuse(c, services, '/wecom/bot', { status: 400, reason: 'body is not JSON' });
    }
    const opened = openSigned(cipher, (n) => c.req.query(n), encrypt, services.clock.now());
    if (!opened.ok) return refuse(c, services, '/wecom/bot', opened);
    const m = parseBotJson(opened.plain);
    if ('ignore' in m) {
      log.debug({ reason: m.ignore }, 'wecom bot callback ignored');
      return c.body('', 200);
    }
    const now = services.clock.now();
    const url = safeResponseUrl(m.responseUrl, deps.apiHost);
    if (url) await state.put(stateKeys.responseUrl(m.msgid), url, new Date(now.getTime() + RESPONSE_URL_TTL_MS), now);
    else log.warn({ msgid: m.msgid }, 'wecom bot message without a usable response_url');
    const r = await handleInbound(services, registry, fromBot(m), { replyVia: 'outbox' });
    log.info(
      { event: `bot:${m.msgid}`, chatType: m.chatType, command: r.command, duplicate: r.duplicate },
      'wecom bot message handled',
    );
    deps.kick();
    return c.body('', 200);
  });
}
