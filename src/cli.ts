/**
 * The command-line tool: `npm run cli -- <subcommand>`.
 *   console [--as feishu:ou_x] [--now ISO]   the chat commands at a prompt, or piped in one per line
 *   remind [--now ISO] [--dry-run]            the daily reminders sweep as if at that moment; queues and delivers
 *   export FILE.xlsx [--unit 单位]            the register as a spreadsheet (台账 + 责任人员名单 per unit)
 *   import FILE.xlsx [--dry-run]              import a register spreadsheet; --dry-run shows the preview only
 *   report 2026Q4 --out DIR [--now ISO]       the quarter's report: chart PNG, .docx draft and .xlsx into DIR
 *   migrate                                   apply database migrations
 *   backup FILE                               a consistent copy of the (live) database
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildContext, resolveCaller } from '../commands/core/dispatch.js';
import { errorText } from '../commands/core/errors.js';
import { buildExport, importDirect } from '../commands/register.js';
import { AppError } from './domain/errors.js';
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
  export FILE.xlsx [--unit 单位名称]
  import FILE.xlsx [--dry-run]
  report 2026Q4 --out DIR [--now 2027-01-05T09:00:00+08:00]
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
    case 'export':
    case 'import': {
      let parsed: { values: { unit?: string; 'dry-run'?: boolean }; positionals: string[] };
      try {
        parsed = parseArgs({
          args: rest,
          options: sub === 'export' ? { unit: { type: 'string' } } : { 'dry-run': { type: 'boolean' } },
          allowPositionals: true,
          strict: true,
        });
      } catch (e) {
        fail(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`);
      }
      const [file, ...extra] = parsed.positionals;
      if (!file || extra.length > 0) {
        fail(
          sub === 'export'
            ? 'usage: npm run cli -- export FILE.xlsx [--unit 单位名称]'
            : 'usage: npm run cli -- import FILE.xlsx [--dry-run]',
        );
      }
      await registerSheet(config, log, sub, file, {
        unit: parsed.values.unit,
        dryRun: parsed.values['dry-run'] === true,
      });
      return;
    }
    case 'report': {
      const usage = 'usage: npm run cli -- report 2026Q4 --out DIR [--now 2027-01-05T09:00:00+08:00]';
      let parsed: { values: { out?: string; now?: string }; positionals: string[] };
      try {
        parsed = parseArgs({
          args: rest,
          options: { out: { type: 'string' }, now: { type: 'string' } },
          allowPositionals: true,
          strict: true,
        });
      } catch (e) {
        fail(`${e instanceof Error ? e.message : String(e)}\n${usage}`);
      }
      const [label] = parsed.positionals;
      if (!label || !parsed.values.out) fail(usage);
      const { writeReportFiles } = await import('./channels/files/report/cli.js');
      const rt = createRuntime({ databasePath: config.databasePath, admins: config.admins, log });
      try {
        const r = await writeReportFiles(
          rt.services,
          label,
          parsed.values.out,
          parseNow(parsed.values.now) ?? systemClock.now(),
        );
        process.stdout.write(`${r.lines.join('\n')}\n`);
        if (!r.ok) process.exitCode = 2;
      } finally {
        rt.close();
      }
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

/**
 * `export` / `import`: the same as /台账 导出 and /台账 导入 in chat, as the local operator (an admin, phone numbers in
 * full). An import is applied at once unless --dry-run (then nothing is written); its writes are one atomic commit.
 */
async function registerSheet(
  config: Config,
  log: Logger,
  sub: 'export' | 'import',
  file: string,
  opts: { unit?: string; dryRun: boolean },
): Promise<void> {
  const operator: Identity = { channel: 'console', externalId: 'local' };
  const rt = createRuntime({
    databasePath: config.databasePath,
    admins: [...config.admins, operator],
    clock: systemClock,
    log,
  });
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  try {
    const { services } = rt;
    const now = services.clock.now();
    const caller = await resolveCaller(services, operator, now);
    const ctx = await buildContext(services, caller, operator, { channel: 'console', id: 'console', type: 'p2p' }, now);
    try {
      if (sub === 'export') {
        const unit = opts.unit ? await services.store.units.byName(opts.unit) : undefined;
        if (opts.unit && !unit) fail(`没有名为「${opts.unit}」的单位`);
        const r = await buildExport(ctx, unit ?? undefined);
        fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
        fs.writeFileSync(file, r.bytes);
        ctx.audit('register.export', `cli:${path.basename(file)}`, {
          units: r.units.map((u) => u.name),
          accounts: r.accounts,
          phones: 'full',
        });
        await services.store.commit([...caller.writes, ...ctx.writes]);
        out(`exported ${r.units.length} unit(s), ${r.accounts} account(s) to ${file}`);
        return;
      }
      let size = 0;
      try {
        size = fs.statSync(file).size;
      } catch {
        fail(`cannot read ${file}`);
      }
      const max = services.registerSheets?.maxBytes ?? 0;
      if (size > max)
        fail(`「${path.basename(file)}」太大（${(size / 1048576).toFixed(1)} MB），上限 ${max / 1048576} MB`);
      const reply = await importDirect(ctx, path.basename(file), new Uint8Array(fs.readFileSync(file)), !opts.dryRun);
      out(renderText(reply));
      if (!opts.dryRun) await services.store.commit([...caller.writes, ...ctx.writes]);
    } catch (e) {
      if (e instanceof AppError) {
        process.stderr.write(`${errorText(e.data)}\n`);
        process.exitCode = 1;
        return;
      }
      throw e;
    }
  } finally {
    rt.close();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
