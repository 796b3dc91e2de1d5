/**
 * The product as a Cloudflare Worker: the same Hono app, commands, repositories and channels as the Node server, on a
 * D1 database. `buildWorkerApp(env)` composes it once per isolate; src/worker.ts calls it from `fetch` and
 * `scheduled`.
 *
 * - A webhook verifies, writes (one D1 batch: the command's effect, the event id, the queued reply) and answers;
 *   delivery of what it queued runs after the answer (`ctx.waitUntil(deliver('request'))`).
 * - The cron triggers: DAILY_CRON runs the daily reminders sweep (skipped on a non-reminder day, exactly as on Node:
 *   the same `sweepDue` check, with 提醒时间 and 每天提醒 read from the settings) and forgets old event ids;
 *   every other trigger delivers what is due (retries included), polls the feeds that are due, and runs a sweep that
 *   is due but has not run (提醒时间 later than the daily trigger, or a daily run that failed). Each ends by delivering.
 * - Outbox rows are claimed with a lease before sending, so a cron run and a `waitUntil` delivery, even in two
 *   isolates at once, never send the same message twice.
 */
import type { D1Database } from '@cloudflare/workers-types';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { cardActions } from '../../commands/card-actions.js';
import { registry } from '../../commands/registry.js';
import type { Services } from '../../commands/types.js';
import { openD1 } from '../../storage/d1.js';
import { createFeedStore } from '../../storage/feeds.js';
import { createStore } from '../../storage/store.js';
import { createSweepStore } from '../../storage/sweep.js';
import { mountFeishu } from '../channels/feishu/routes.js';
import { EVENT_RETENTION_MS, FeishuVerifier } from '../channels/feishu/verify.js';
import { createChannels } from '../channels/messengers.js';
import { type Config, loadConfig } from '../config.js';
import { officialCalendar } from '../domain/calendar-data.js';
import { type Clock, systemClock } from '../domain/clock.js';
import type { ChannelName } from '../domain/model.js';
import { createApp } from '../http/app.js';
import { type FeedPollReport, pollDueFeeds } from '../jobs/feeds.js';
import { type DeliveryReport, deliverDue } from '../jobs/outbox.js';
import { sweepDue } from '../jobs/scheduler.js';
import { runSweep } from '../jobs/sweep.js';
import type { Logger } from '../ports/logger.js';
import { DAILY_CRON } from './crons.js';
import { consoleLogger } from './log.js';

/** The Worker's bindings: the D1 database and the same variables and secrets as the Node server. */
export interface WorkerEnv {
  DB: D1Database;
  [name: string]: unknown;
}

/**
 * Messages sent per invocation. Each costs about three D1 queries and one or two subrequests; the Workers Paid plan
 * allows 1000 of each per invocation (the Free plan 50), and what is left waits for the next trigger.
 */
export const DELIVERY_BUDGET = { request: { batch: 10, maxBatches: 1 }, cron: { batch: 50, maxBatches: 4 } } as const;
/** Feeds read per frequent trigger (about four D1 queries and one subrequest each). */
export const FEEDS_PER_RUN = 40;

export interface ScheduledReport {
  cron: string;
  sweep: 'ran' | 'not-due' | 'off' | 'error' | 'skipped';
  /** why the sweep did not run (sweepDue), or its counts when it did */
  detail?: string;
  feeds?: FeedPollReport;
  delivery: DeliveryReport;
}

export interface WorkerApp {
  app: Hono;
  config: Config;
  services: Services;
  /** deliver what is due now, within the budget of a request or of a cron run */
  deliver(kind: keyof typeof DELIVERY_BUDGET): Promise<DeliveryReport>;
  /** the work of one cron trigger (see above) */
  scheduled(cron: string): Promise<ScheduledReport>;
  /** true once after a webhook queued something (the caller then runs `deliver` in waitUntil) */
  takeKick(): boolean;
  /** read the bot's own open_id once per isolate (in waitUntil); resolves at once when known or off */
  loadIdentity(): Promise<void>;
}

/** The variables of `env` that are strings (the D1 binding and other objects are left out). */
export function envStrings(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function buildWorkerApp(env: WorkerEnv, opts: { clock?: Clock; log?: Logger } = {}): WorkerApp {
  const config = loadConfig(envStrings(env));
  const log = opts.log ?? consoleLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const d1 = openD1(env.DB);
  const sweep = createSweepStore(d1.db);
  const feeds = createFeedStore(d1.db);
  const deliveryChannels: ChannelName[] = config.feishu ? ['feishu'] : [];
  const services: Services = {
    store: createStore(d1.db, d1.executor),
    clock,
    log,
    adminIdentities: config.admins,
    deliveryChannels,
    baseCalendar: officialCalendar(),
    sweep,
    feeds,
  };
  const channels = createChannels(config, log);
  let kicked = false;
  let identity: Promise<void> | null = null;

  const app = createApp({
    log,
    async health() {
      try {
        await d1.db.get(sql`select 1`);
        const s = await services.store.outbox.stats();
        return {
          ok: true,
          db: 'ok',
          channels: { feishu: config.feishu ? 'on' : 'off', wecom: 'off', console: 'off' },
          outbox: { pending: s.pending, failed: s.failed },
        };
      } catch (e) {
        log.error({ err: e }, 'health check: database error');
        return {
          ok: false,
          db: 'error',
          channels: { feishu: config.feishu ? 'on' : 'off', wecom: 'off', console: 'off' },
        };
      }
    },
    mount(app) {
      const feishu = channels.feishu;
      if (!config.feishu || !feishu) return;
      mountFeishu(app, {
        services,
        registry,
        actions: cardActions,
        verifier: new FeishuVerifier(config.feishu),
        botOpenId: () => feishu.botId,
        kick: () => {
          kicked = true;
        },
      });
    },
  });

  const deliver = (kind: keyof typeof DELIVERY_BUDGET): Promise<DeliveryReport> =>
    deliverDue({ store: services.store, clock, log, messengers: channels.messengers }, DELIVERY_BUDGET[kind]);

  const rt = { services, sweep };
  async function dailySweep(catchUpOnly: boolean): Promise<Pick<ScheduledReport, 'sweep' | 'detail'>> {
    if (!config.scheduler) return { sweep: 'off' };
    try {
      const now = clock.now();
      const due = await sweepDue(rt, now);
      if (!due.due)
        return { sweep: catchUpOnly && due.reason === 'before-time' ? 'skipped' : 'not-due', detail: due.reason };
      const r = await runSweep(rt, { now, trigger: 'schedule', recordedAt: now });
      return { sweep: 'ran', detail: `${r.fresh.length} new reminders, ${r.messages.length} messages` };
    } catch (e) {
      log.error({ err: e }, 'daily reminders: sweep failed; the next trigger tries again');
      return { sweep: 'error' };
    }
  }

  return {
    app,
    config,
    services,
    deliver,
    takeKick() {
      const k = kicked;
      kicked = false;
      return k;
    },
    loadIdentity() {
      const feishu = channels.feishu;
      if (!feishu || feishu.botId) return Promise.resolve();
      identity ??= feishu.loadBotIdentity().then((id) => {
        if (!id) identity = null; // try again on a later request
      });
      return identity;
    },
    async scheduled(cron) {
      const report: Omit<ScheduledReport, 'delivery'> = { cron, sweep: 'skipped' };
      if (cron === DAILY_CRON) {
        Object.assign(report, await dailySweep(false));
        const before = new Date(clock.now().getTime() - EVENT_RETENTION_MS - 86_400_000);
        await services.store
          .commit(services.store.events.purgeBefore(before))
          .catch((e: unknown) => log.error({ err: e }, 'event purge failed'));
      } else {
        if (config.scheduler) {
          report.feeds = await pollDueFeeds({ store: services.store, feeds, clock, log }, { batch: FEEDS_PER_RUN });
        }
        Object.assign(report, await dailySweep(true));
      }
      const delivery = await deliver('cron');
      log.info({ ...report, delivery }, 'scheduled run done');
      return { ...report, delivery };
    },
  };
}
