/**
 * The command-line tool: `npm run cli -- <subcommand>`.
 *   console [--as feishu:ou_x] [--now ISO]   the chat commands at a prompt, or piped in one per line
 *   remind [--now ISO] [--dry-run]            the daily reminders sweep as if at that moment; queues and delivers
 *   migrate                                   apply database migrations
 *   backup FILE                               a consistent copy of the (live) database
 */
import { parseArgs } from 'node:util';
import { backupSqlite, openSqlite } from '../storage/executor/sqlite.js';
import { createRuntime } from './node-runtime.js';
import { runConsole } from './channels/console/console.js';
import { CHANNELS, messengersOf, openChannels } from './channels/index.js';
import { wecomApiHost } from './channels/wecom/index.js';
import { offsetClock, systemClock } from './domain/clock.js';
import type { ChannelName, Identity } from './domain/model.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import type { Logger } from './ports/logger.js';
import { createLogger } from './log.js';
import { renderText } from './domain/reply.js';
import { formatShanghai } from './domain/time.js';
import { weekdayName } from './domain/reminders.js';
import { deliverDue } from './jobs/outbox.js';
import { runSweep } from './jobs/sweep.js';

const USAGE = `usage: npm run cli -- <subcommand>
  console [--as feishu:<open_id>|wecom:<userid>] [--now 2026-11-20T09:00:00+08:00]
  remind [--now 2026-11-20T09:00:00+08:00] [--dry-run]
  migrate
  backup FILE`;

/** The channels that deliver messages in this configuration (the CLI opens no webhooks). */
const deliveryChannels = (config: Config): ChannelName[] =>
  config.channels.filter((c) => c.channel.name !== 'console').map((c) => c.channel.name);

function fail(msg: string): never {
  process.stderr.write(`${msg}\n`);
  process.exit(2);
}

function parseIdentity(s: string): Identity {
  const i = s.indexOf(':');
  const channel = s.slice(0, i) as ChannelName;
  if (i <= 0 || !CHANNELS.some((c) => c.name === channel) || s.length === i + 1)
    fail(`--as must look like feishu:<open_id> or wecom:<userid>, got "${s}"`);
  return { channel, externalId: s.slice(i + 1) };
}

function parseNow(s: string | undefined): Date | undefined {
  if (s === undefined) return undefined;
  const t = new Date(s);
  if (Number.isNaN(t.getTime())) fail(`--now must be an ISO 8601 time such as 2026-11-20T09:00:00+08:00, got "${s}"`);
  return t;
}

async function main(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  switch (sub) {
    case 'console': {
      const { values } = parseArgs({
        args: rest,
        options: { as: { type: 'string' }, now: { type: 'string' } },
        strict: true,
      });
      const now = parseNow(values.now);
      // Without --as the console speaks as the local operator, who is an admin: the console runs on the server itself.
      const as = values.as ? parseIdentity(values.as) : { channel: 'console' as const, externalId: 'local' };
      const admins = values.as ? config.admins : [...config.admins, as];
      const rt = createRuntime({
        databasePath: config.databasePath,
        admins,
        clock: now ? offsetClock(now) : systemClock,
        log,
        deliveryChannels: deliveryChannels(config),
        wecomHost: wecomApiHost(config.channels),
      });
      try {
        await runConsole({
          core: rt.core,
          as,
          input: process.stdin,
          output: process.stdout,
          interactive: Boolean(process.stdin.isTTY),
        });
      } finally {
        rt.close();
      }
      return;
    }
    case 'remind': {
      let values: { now?: string; 'dry-run'?: boolean };
      try {
        ({ values } = parseArgs({
          args: rest,
          options: { now: { type: 'string' }, 'dry-run': { type: 'boolean' } },
          strict: true,
        }));
      } catch (e) {
        fail(
          `${e instanceof Error ? e.message : String(e)}\nusage: npm run cli -- remind [--now 2026-11-20T09:00:00+08:00] [--dry-run]`,
        );
      }
      await remind(config, log, { now: parseNow(values.now), dryRun: values['dry-run'] === true });
      return;
    }
    case 'migrate': {
      const db = openSqlite(config.databasePath);
      db.close();
      process.stdout.write(`migrations applied: ${config.databasePath}\n`);
      return;
    }
    case 'backup': {
      const [file] = rest;
      if (!file) fail('usage: npm run cli -- backup FILE');
      await backupSqlite(config.databasePath, file);
      process.stdout.write(`backup written: ${file}\n`);
      return;
    }
    default:
      fail(USAGE);
  }
}

/**
 * `remind`: the daily sweep as if at `now`, then delivery of what is due (safe while the server runs: reminders are
 * recorded once and outbox rows are claimed with a lease). Delivery and the records use the real time.
 */
async function remind(config: Config, log: Logger, opts: { now: Date | undefined; dryRun: boolean }): Promise<void> {
  const real = systemClock.now();
  const now = opts.now ?? real;
  const rt = createRuntime({
    databasePath: config.databasePath,
    admins: config.admins,
    clock: systemClock,
    log,
    deliveryChannels: deliveryChannels(config),
    wecomHost: wecomApiHost(config.channels),
  });
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  try {
    const report = await runSweep(rt, { now, dryRun: opts.dryRun, trigger: 'cli', recordedAt: real });
    const { env } = report;
    out(
      `reminders as of ${formatShanghai(now)} (${env.today} ${weekdayName(env.today)}${report.remindDay ? '' : ', not a reminder day: the daily schedule would skip it'})`,
    );
    out(
      `found ${report.found.length}, new ${report.fresh.length}, ${opts.dryRun ? 'would queue' : 'queued'} ${report.messages.length} message(s)`,
    );
    if (report.fresh.length === 0 && report.found.length > 0)
      out('nothing new: everything found was already sent for its period');
    for (const m of report.messages) {
      out(`  → ${m.to} [${m.message.channel} ${m.message.targetType} ${m.message.target}]`);
      if (opts.dryRun) out(renderText(m.message.payload).replace(/^/gm, '      '));
    }
    for (const u of report.unreachable) out(`  ! ${u}`);
    if (opts.dryRun) {
      out('dry run: nothing recorded, queued or sent');
      return;
    }
    const messengers = messengersOf(openChannels(config.channels, log, rt.core));
    const d = await deliverDue({ store: rt.services.store, clock: systemClock, log, messengers });
    const off = [...new Set(report.messages.map((m) => m.message.channel))].filter((c) => !messengers[c]);
    out(
      `delivery: ${d.sent} sent, ${d.retried} to retry, ${d.failed} failed, ${d.skipped} waiting${off.length ? ` (channel off: ${off.join(', ')})` : ''}`,
    );
  } finally {
    rt.close();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
