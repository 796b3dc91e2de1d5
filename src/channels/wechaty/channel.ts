/**
 * The Wechaty channel: the bot in ordinary WeChat groups, driven through a Wechaty puppet. The `wechaty` package (and
 * the QR code renderer) are loaded here, with a dynamic import, only when the channel is on.
 *
 *   startWechatyChannel(deps) → WechatyChannel   start the bot; inbound messages go to the core, replies to the outbox
 *   channel.messenger                             the outbox's Messenger for channel 'wechaty'
 *   channel.health()                              login state for /healthz
 *   channel.stop()                                stop the bot
 *
 * At login the QR code is logged as a link and drawn in the terminal. When the bot is logged out its messages wait in
 * the outbox, and the admins are told on the other channels.
 */
import type { Core } from '../../app/build.js';
import { handleInbound } from '../../app/handle.js';
import type { Identity } from '../../domain/model.js';
import type { Reply } from '../../domain/reply.js';
import { formatShanghai } from '../../domain/time.js';
import type { Logger } from '../../ports/logger.js';
import type { Services } from '../../ports/services.js';
import type { OutboxMessage } from '../../ports/store.js';
import type { WechatyConfig } from './config.js';
import { stableContactId, toInbound, type WxContact, type WxMessage } from './inbound.js';
import { WechatyMessenger, type WxSendingBot } from './messenger.js';

/** The part of a Wechaty bot this channel uses. */
interface WxBot extends WxSendingBot {
  on(event: 'scan', listener: (qrcode: string, status: number) => void): unknown;
  on(event: 'login', listener: (user: WxContact) => void): unknown;
  on(event: 'logout', listener: (user: WxContact, reason?: string) => void): unknown;
  on(event: 'message', listener: (message: WxMessage) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type LoginState = 'starting' | 'scanning' | 'logged-in' | 'logged-out' | 'stopped' | 'error';

export interface WechatyHealth {
  login: LoginState;
  /** the bot's WeChat name when logged in */
  user: string | null;
  /** when the state last changed (ISO) */
  since: string | null;
}

export interface WechatyChannelDeps {
  config: WechatyConfig;
  /** the services and the command registry */
  core: Pick<Core, 'services' | 'registry'>;
  log: Logger;
  /** wake the delivery loop */
  kick(): void;
  /** a puppet instance to use instead of the package named in the config (tests: wechaty-puppet-mock) */
  puppet?: object;
  /** where the QR code drawing goes (default: stderr) */
  qrOut?: (art: string) => void;
  /** platform time (message timestamps are compared with it); default Date.now */
  wallClock?: () => number;
  /** waiting between sends (tests pass a fast one) */
  sleep?: (ms: number) => Promise<void>;
}

export interface WechatyChannel {
  messenger: WechatyMessenger;
  health(): WechatyHealth;
  /** resolves when every inbound message received so far has been handled (tests) */
  idle(): Promise<void>;
  /** has the message with this id been looked at (handled or ignored)? The last 1,000 ids are kept. */
  handled(messageId: string): boolean;
  stop(): Promise<void>;
}

const WECHATY_PACKAGE = 'wechaty';
const QRCODE_PACKAGE = 'qrcode';
const SCAN_WAITING = 2;
const SCAN_TIMEOUT = 5;

export async function startWechatyChannel(deps: WechatyChannelDeps): Promise<WechatyChannel> {
  const { config, log } = deps;
  const { services, registry } = deps.core;
  const wall = deps.wallClock ?? Date.now;
  // Loaded by name at run time, so that no bundler (the Worker's) pulls these packages in.
  const wechaty = (await import(/* @vite-ignore */ WECHATY_PACKAGE)) as typeof import('wechaty');
  const bot = wechaty.WechatyBuilder.build({
    ...(config.name ? { name: config.name } : {}),
    // A puppet instance (tests) or a package name with its options.
    puppet: (deps.puppet ?? config.puppet) as never,
    ...(deps.puppet ? {} : { puppetOptions: config.token ? { token: config.token } : {} }),
  }) as unknown as WxBot;
  const textType = wechaty.types.Message.Text;

  let state: LoginState = 'starting';
  let since = new Date(wall());
  let user: WxContact | null = null;
  let loginAt: Date | null = null;
  let loggedOutAt: Date | null = null;
  let stopping = false;
  const setState = (s: LoginState): void => {
    state = s;
    since = new Date(wall());
  };

  const messenger = new WechatyMessenger({
    sendIntervalMs: config.sendIntervalMs,
    pageChars: config.pageChars,
    offlineRetryMs: config.offlineRetryMs,
    bot: () => (state === 'logged-in' ? bot : null),
    log,
    sleep: deps.sleep,
    now: wall,
  });

  /** Tell the admins on the other channels (the WeChat bot cannot tell anyone while it is logged out). */
  async function tellAdmins(reply: Reply, dedupeKey: string): Promise<void> {
    try {
      const messages = await adminsElsewhere(services, reply, dedupeKey);
      if (messages.length === 0) {
        log.warn({ dedupeKey }, 'no admin is reachable on another channel to tell about the WeChat bot');
        return;
      }
      const now = services.clock.now();
      await services.store.commit(messages.map((m) => services.store.outbox.enqueue(m, now)));
      deps.kick();
    } catch (e) {
      log.error({ err: e }, 'could not queue the admins notice about the WeChat bot');
    }
  }

  bot.on('scan', (qrcode, status) => {
    if (state !== 'logged-in') setState('scanning');
    if (!qrcode || (status !== SCAN_WAITING && status !== SCAN_TIMEOUT)) {
      log.info({ status }, 'wechaty scan status');
      return;
    }
    const url = wechaty.qrcodeValueToImageUrl(qrcode);
    log.warn({ url, qrcode }, `WeChat login: scan the QR code with the bot's WeChat (image: ${url})`);
    void (import(/* @vite-ignore */ QRCODE_PACKAGE) as Promise<typeof import('qrcode')>)
      .then((qr) => qr.toString(qrcode, { type: 'terminal', small: true }))
      .then((art) => (deps.qrOut ?? ((a: string) => process.stderr.write(`${a}\n`)))(art))
      .catch((e: unknown) => log.warn({ err: e }, 'could not draw the QR code'));
  });

  bot.on('login', (u) => {
    user = u;
    loginAt = new Date(wall());
    setState('logged-in');
    log.info({ user: u.name(), id: stableContactId(u) }, 'wechaty channel on: logged in');
    if (loggedOutAt) {
      const at = loggedOutAt;
      loggedOutAt = null;
      void tellAdmins(
        {
          title: '微信机器人已重新登录',
          tone: 'success',
          blocks: [
            {
              type: 'text',
              text: `微信机器人「${u.name()}」已于 ${formatShanghai(services.clock.now())} 重新登录，退出期间待发的微信消息现在发出。`,
            },
          ],
        },
        `wechaty:login:${at.getTime()}`,
      );
    }
    deps.kick();
  });

  bot.on('logout', (u, reason) => {
    if (stopping) return; // our own stop, not WeChat's
    setState('logged-out');
    loggedOutAt = new Date(wall());
    log.warn(
      { user: u.name(), reason: reason ?? null },
      'wechaty bot logged out: WeChat messages wait in the outbox until it logs in again',
    );
    void tellAdmins(
      {
        title: '微信机器人已退出登录',
        tone: 'warning',
        blocks: [
          {
            type: 'text',
            text: `微信机器人「${u.name()}」已于 ${formatShanghai(services.clock.now())} 退出登录${reason ? `（${reason}）` : ''}。`,
          },
          {
            type: 'text',
            text: '发往微信群和微信联系人的提醒、回复会暂存，重新登录后自动发出。请在服务器日志中找到登录二维码，用机器人的微信扫码登录。',
          },
        ],
      },
      `wechaty:logout:${loggedOutAt.getTime()}`,
    );
  });

  bot.on('error', (e) => log.warn({ err: e }, 'wechaty error'));

  const inflight = new Set<Promise<void>>();
  const seen = new Set<string>();
  const markSeen = (id: string): void => {
    seen.add(id);
    if (seen.size > 1_000) seen.delete(seen.values().next().value as string);
  };
  async function onMessage(m: WxMessage): Promise<void> {
    try {
      const r = await toInbound(m, { textType, loginAt, botId: user?.id ?? null });
      if (r.kind === 'ignore') {
        log.debug({ reason: r.reason }, 'wechaty message ignored');
        return;
      }
      const res = await handleInbound(services, registry, r.message, { replyVia: 'outbox' });
      log.info(
        { message: m.id, chat: r.message.chat.type, command: res.command, duplicate: res.duplicate },
        'wechaty message handled',
      );
      deps.kick();
    } catch (e) {
      log.error({ err: e, message: m.id }, 'wechaty message failed');
    } finally {
      markSeen(m.id);
    }
  }
  bot.on('message', (m) => {
    const p = onMessage(m);
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  });

  try {
    await bot.start();
  } catch (e) {
    setState('error');
    log.error({ err: e, puppet: config.puppet }, 'wechaty channel could not start');
    throw e;
  }

  return {
    messenger,
    health: () => ({
      login: state,
      user: state === 'logged-in' && user ? user.name() : null,
      since: since.toISOString(),
    }),
    async idle() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
    handled: (id) => seen.has(id),
    async stop() {
      stopping = true;
      setState('stopped');
      await bot.stop().catch((e: unknown) => log.warn({ err: e }, 'wechaty stop failed'));
    },
  };
}

/** One message per admin, on a channel other than WeChat (and not the console), best delivery channel first. */
async function adminsElsewhere(services: Services, reply: Reply, dedupeKey: string): Promise<OutboxMessage[]> {
  const order = [...new Set([...services.deliveryChannels, 'feishu', 'wecom'] as const)].filter(
    (c) => c !== 'wechaty' && c !== 'console',
  );
  const admins = await services.store.people.withRole('admin', null);
  const targets: Identity[] = [];
  const add = (ids: readonly Identity[]): void => {
    for (const ch of order) {
      const id = ids.find((i) => i.channel === ch);
      if (id) {
        if (!targets.some((t) => t.channel === id.channel && t.externalId === id.externalId)) targets.push(id);
        return;
      }
    }
  };
  for (const a of admins) add(a.identities);
  for (const id of services.adminIdentities)
    if (!admins.some((a) => a.identities.some((x) => x.channel === id.channel && x.externalId === id.externalId)))
      add([id]);
  return targets.map((t) => ({
    channel: t.channel,
    targetType: 'user',
    target: t.externalId,
    payload: reply,
    dedupeKey: `${dedupeKey}|${t.channel}:user:${t.externalId}`,
  }));
}
