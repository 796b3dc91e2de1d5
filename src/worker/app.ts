/**
 * The product as a Cloudflare Worker: the same Hono app, commands, repositories and channels as the Node server, on a
 * D1 database. `buildWorkerApp(env)` composes it once per isolate; src/worker.ts calls it from `fetch` and
 * `scheduled`.
 *
 * - A webhook verifies, writes (one D1 batch: the command's effect, the event id, the queued reply) and answers;
 *   delivery of what it queued runs after the answer (`ctx.waitUntil(deliver('request'))`).
 * - The cron triggers: DAILY_CRON runs the daily reminders sweep (skipped on a non-reminder day, exactly as on Node:
 *   the same `sweepDue` check, with 提醒时间 and 每天提醒 read from the settings) and forgets what is past its
 *   time (src/jobs/retention.ts);
 *   every other trigger delivers what is due (retries included), polls the feeds that are due, and runs a sweep that
 *   is due but has not run (提醒时间 later than the daily trigger, or a daily run that failed). Each ends by delivering.
 * - Outbox rows are claimed with a lease before sending, so a cron run and a `waitUntil` delivery, even in two
 *   isolates at once, never send the same message twice.
 */
import type { D1Database } from '@cloudflare/workers-types';
import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { openD1 } from '../../storage/executor/d1.js';
import { createFeedStore } from '../../storage/repos/feeds.js';
import { createSweepStore } from '../../storage/repos/sweep.js';
import { createStore } from '../../storage/store.js';
import { buildCore, type Core } from '../app/build.js';
import type { ChannelDeps } from '../channels/channel.js';
import { channelInfo, channelStates, messengersOf, openChannels, pushHostsOf } from '../channels/index.js';
import { createChannelState } from '../../storage/repos/channel-state.js';
import { createReportStore } from '../../storage/repos/report.js';
import { type Config, loadConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { createApp } from '../http/app.js';
import { type FeedPollReport, pollDueFeeds } from '../jobs/feeds.js';
import { type DeliveryReport, deliverDue } from '../jobs/outbox.js';
import { runRetention } from '../jobs/retention.js';
import { sweepDue } from '../jobs/scheduler.js';
import { runSweep } from '../jobs/sweep.js';
import { type Logger, secretValues } from '../ports/logger.js';
import { DAILY_CRON } from './crons.js';
import { consoleLogger } from './log.js';

const NOT_ON_WORKERS: ReadonlySet<string> = new Set(['console', 'wechaty']);

/** Retention on the daily trigger: two rounds (about 12 D1 queries each) of up to 5,000 rows of each kind. */
export const RETENTION_BUDGET = { limit: 5_000, maxRounds: 2 } as const;

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
  core: Core;
  /** deliver what is due now, within the budget of a request or of a cron run */
  deliver(kind: keyof typeof DELIVERY_BUDGET): Promise<DeliveryReport>;
  /** the work of one cron trigger (see above) */
  scheduled(cron: string): Promise<ScheduledReport>;
  /** true once after a webhook queued something (the caller then runs `deliver` in waitUntil) */
  takeKick(): boolean;
  /** the channels' start-up work (the Feishu bot's open_id), once per isolate, in waitUntil */
  start(): Promise<void>;
}

/** The variables of `env` that are strings (the D1 binding and other objects are left out). */
export function envStrings(env: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

export function buildWorkerApp(env: WorkerEnv, opts: { clock?: Clock; log?: Logger } = {}): WorkerApp {
  const config = loadConfig(envStrings(env));
  const log = opts.log ?? consoleLogger(config.logLevel, console, secretValues(envStrings(env)));
  // Not on a Worker: the console (a terminal), and WeChat through Wechaty (a logged-in bot needs a long-lived process).
  const configured = config.channels.filter((c) => !NOT_ON_WORKERS.has(c.channel.name));
  const d1 = openD1(env.DB);
  const core = buildCore({
    store: createStore(d1.db, d1.executor),
    sweep: createSweepStore(d1.db),
    feeds: createFeedStore(d1.db),
    channelState: createChannelState(d1.db),
    report: createReportStore(d1.db),
    channels: channelInfo,
    admins: config.admins,
    clock: opts.clock,
    log,
    deliveryChannels: configured.map((c) => c.channel.name),
    pushHosts: pushHostsOf(configured),
  });
  const channels = openChannels(configured, log, core);
  const { services } = core;
  const { clock } = services;
  const messengers = messengersOf(channels);
  let kicked = false;
  let started: Promise<void> | null = null;
  const deps: ChannelDeps = {
    core,
    log,
    kick: () => {
      kicked = true;
    },
  };

  const app = createApp({
    log,
    healthToken: config.healthToken,
    async health({ details }) {
      try {
        await d1.db.get(sql`select 1`);
        if (!details) return { ok: true, db: 'ok', channels: {} };
        const s = await services.store.outbox.stats();
        return {
          ok: true,
          db: 'ok',
          channels: channelStates(channels),
          outbox: { pending: s.pending, failed: s.failed },
        };
      } catch (e) {
        log.error({ err: e }, 'health check: database error');
        return { ok: false, db: 'error', channels: channelStates(channels) };
      }
    },
    mount(app) {
      for (const c of channels) c.mount?.(app, deps);
    },
  });

  const deliver = (kind: keyof typeof DELIVERY_BUDGET): Promise<DeliveryReport> =>
    deliverDue({ store: services.store, clock, log, messengers }, DELIVERY_BUDGET[kind]);

  async function dailySweep(catchUpOnly: boolean): Promise<Pick<ScheduledReport, 'sweep' | 'detail'>> {
    if (!config.scheduler) return { sweep: 'off' };
    try {
      const now = clock.now();
      const due = await sweepDue(core, now);
      if (!due.due)
        return { sweep: catchUpOnly && due.reason === 'before-time' ? 'skipped' : 'not-due', detail: due.reason };
      const r = await runSweep(core, { now, trigger: 'schedule', recordedAt: now });
      return { sweep: 'ran', detail: `${r.fresh.length} new reminders, ${r.messages.length} messages` };
    } catch (e) {
      log.error({ err: e }, 'daily reminders: sweep failed; the next trigger tries again');
      return { sweep: 'error' };
    }
  }

  return {
    app,
    config,
    core,
    deliver,
    takeKick() {
      const k = kicked;
      kicked = false;
      return k;
    },
    start() {
      // once per isolate (the Feishu bot's own open_id); tried again on a later request if it failed
      started ??= Promise.all(channels.map((c) => c.start?.(deps)))
        .then(() => undefined)
        .catch((e: unknown) => {
          log.warn({ err: e }, 'channel start failed; trying again on a later request');
          started = null;
        });
      return started;
    },
    async scheduled(cron) {
      const report: Omit<ScheduledReport, 'delivery'> = { cron, sweep: 'skipped' };
      if (cron === DAILY_CRON) {
        Object.assign(report, await dailySweep(false));
        // forget what is past its time (the same statements as on Node), in a few large rounds: each statement of
        // a round is one D1 query
        await runRetention(services, clock.now(), RETENTION_BUDGET).catch((e: unknown) =>
          log.error({ err: e }, 'retention failed'),
        );
      } else {
        if (config.scheduler) {
          report.feeds = await pollDueFeeds(
            { store: services.store, feeds: core.feeds, clock, log },
            { batch: FEEDS_PER_RUN },
          );
        }
        Object.assign(report, await dailySweep(true));
      }
      const delivery = await deliver('cron');
      log.info({ ...report, delivery }, 'scheduled run done');
      return { ...report, delivery };
    },
  };
}
