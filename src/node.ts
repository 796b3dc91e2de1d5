/**
 * The Node entry (`npm start`): configuration, the SQLite file (migrations applied on start), the Hono app on PORT
 * with the channels' webhooks, and the in-process loops (outbox delivery, the daily reminders, feed polling,
 * housekeeping). Starts with no platform credentials at all and says which channels are off.
 */
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import type { ChannelDeps } from './channels/channel.js';
import { attachmentsOf, channelStates, messengersOf, openChannels, pushHostsOf } from './channels/index.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { createApp } from './http/app.js';
import { nodeFeedNet } from './http/feed-net.js';
import { startFeedPoller } from './jobs/feeds.js';
import { startOutboxLoop } from './jobs/outbox.js';
import { runRetention } from './jobs/retention.js';
import { startScheduler } from './jobs/scheduler.js';
import { createLogger } from './log.js';
import { secretValues } from './ports/logger.js';
import { sqlitePathProblem } from '../storage/executor/sqlite.js';
import { createRuntime } from './node-runtime.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, { checkDatabasePath: sqlitePathProblem });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel, process.stderr, { secrets: secretValues(process.env) });
  // A write waits for another process's lock at most a few ms inside SQLite (that wait blocks every request), then
  // retries asynchronously for up to 1.5 s; a webhook whose write still could not commit answers 503 (Feishu retries).
  const rt = createRuntime({
    databasePath: config.databasePath,
    admins: config.admins,
    log,
    deliveryChannels: config.channels.filter((c) => c.channel.name !== 'console').map((c) => c.channel.name),
    pushHosts: pushHostsOf(config.channels),
    busy: { timeoutMs: 20, retryMs: 1_500 },
  });
  const channels = openChannels(config.channels, log, rt.core);
  // Files users send are downloaded through the channel they came in on.
  Object.assign(rt.services.attachments, attachmentsOf(channels));
  const { services } = rt;
  log.info({ database: config.databasePath }, 'database ready (migrations applied)');
  for (const off of config.channelsOff) {
    log.warn({ channel: off.channel, reason: off.reason }, `channel ${off.channel} is off`);
  }
  if (config.admins.length === 0) {
    log.warn({}, 'ADMINS is empty: nobody can administer from a chat (the console still works)');
  }

  const outbox = startOutboxLoop(
    { store: services.store, clock: services.clock, log, messengers: messengersOf(channels) },
    { idleMs: 1_000 },
  );
  const deps: ChannelDeps = { core: rt.core, log, kick: () => outbox.kick() };
  for (const c of channels) {
    c.start?.(deps).catch((e: unknown) => log.error({ err: e, channel: c.name }, 'channel start failed'));
  }
  // The daily reminders (at 提醒时间 on working days; a run missed while the server was down happens when it comes
  // back that day) and the feed poller. SCHEDULER=off leaves them to `npm run cli -- remind` (tests, a cron elsewhere).
  const reminders = config.scheduler ? startScheduler(rt, { onQueued: () => outbox.kick() }) : null;
  const feeds = config.scheduler ? startFeedPoller(rt, { net: nodeFeedNet() }) : null;
  if (!config.scheduler) log.warn({}, 'SCHEDULER=off: no daily reminders or feed polling in this process');

  const app = createApp({
    log,
    healthToken: config.healthToken,
    async health({ details: full }) {
      let db: 'ok' | 'error' = 'ok';
      let outboxStats: { pending: number; failed: number } | undefined;
      try {
        rt.db.db.get(sql`select 1`);
        if (full) {
          const s = await services.store.outbox.stats();
          outboxStats = { pending: s.pending, failed: s.failed };
        }
      } catch {
        db = 'error';
      }
      if (!full) return { ok: db === 'ok', db, channels: {} };
      const details = Object.fromEntries(channels.flatMap((c) => (c.health ? [[c.name, c.health()]] : [])));
      return { ok: db === 'ok', db, channels: channelStates(channels), details, outbox: outboxStats };
    },
    mount(app) {
      for (const c of channels) c.mount?.(app, deps);
    },
  });

  // Housekeeping, hourly and a minute after the start: forget what is past its time (src/jobs/retention.ts).
  const housekeeping = (): void => {
    runRetention(services, services.clock.now()).catch((e: unknown) => log.error({ err: e }, 'retention failed'));
  };
  const purge = setInterval(housekeeping, 3_600_000);
  purge.unref();
  setTimeout(housekeeping, 60_000).unref();

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info({ port: info.port, host: config.host }, `listening on http://${config.host}:${info.port}`);
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    clearInterval(purge);
    server.close(() => {
      void Promise.all([reminders?.stop(), feeds?.stop(), ...channels.map((c) => c.stop?.())])
        .then(() => outbox.stop())
        .finally(() => {
          rt.close();
          process.exit(0);
        });
    });
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
