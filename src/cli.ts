/**
 * The command-line tool: `npm run cli -- <subcommand>`.
 *   console [--as feishu:ou_x] [--now ISO]   the chat commands at a prompt, or piped in one per line
 *   remind [--now ISO] [--dry-run]            the daily reminders sweep as if at that moment; queues and delivers
 *   export FILE.xlsx [--unit 单位]            the register as a spreadsheet (台账 + 责任人员名单 per unit)
 *   import FILE.xlsx [--dry-run]              import a register spreadsheet; --dry-run shows the preview only
 *   report 2026Q4 --out DIR [--now ISO]       the quarter's report: chart PNG, .docx draft and .xlsx into DIR
 *   migrate                                   apply database migrations
 *   backup FILE                               a consistent copy of the (live) database
 *   holidays import FILE [--yes]              import a State Council holiday notice (preview; --yes applies it)
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildContext, resolveCaller } from '../commands/core/dispatch.js';
import { errorText } from '../commands/core/errors.js';
import { buildExport, importDirect } from '../commands/register.js';
import { AppError } from './domain/errors.js';
import { backupSqlite, openSqlite, sqlitePathProblem } from '../storage/executor/sqlite.js';
import { createRuntime } from './node-runtime.js';
import { HOLIDAYS_USAGE, importHolidayNotice, LOCAL_OPERATOR } from './app/holidays-import.js';
import { runConsole } from './channels/console/console.js';
import { CHANNELS, messengersOf, openChannels, pushHostsOf } from './channels/index.js';
import { offsetClock, systemClock } from './domain/clock.js';
import type { ChannelName, Identity } from './domain/model.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { type Logger, secretValues } from './ports/logger.js';
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
  backup FILE
  ${HOLIDAYS_USAGE.replace('npm run cli -- ', '')}`;

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

/**
 * `--now`: an ISO 8601 time; without an offset (2026-11-20T09:00, 2026-11-20) it is Asia/Shanghai, and the CLI says
 * so on stderr.
 */
function parseNow(s: string | undefined): Date | undefined {
  if (s === undefined) return undefined;
  const local = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(s.trim());
  if (local) {
    const t = new Date(`${local[1]}T${local[2] ?? '00'}:${local[3] ?? '00'}:${local[4] ?? '00'}+08:00`);
    if (!Number.isNaN(t.getTime())) {
      process.stderr.write(`--now ${s} 没有写时区，按北京时间（+08:00）理解：${formatShanghai(t)}\n`);
      return t;
    }
  }
  const t = new Date(s);
  if (!/(Z|[+-]\d{2}:?\d{2})$/i.test(s.trim()) || Number.isNaN(t.getTime())) {
    fail(
      `--now must be an ISO 8601 time such as 2026-11-20T09:00:00+08:00 (or 2026-11-20T09:00, read as Asia/Shanghai), got "${s}"`,
    );
  }
  return t;
}

/** parseArgs that answers a bad option or --help with the subcommand's usage line, never a stack trace. */
function parseOptions(
  args: string[],
  options: Record<string, { type: 'string' | 'boolean' }>,
  usage: string,
): { values: Record<string, string | boolean | undefined> } {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: ${usage}\n`);
    process.exit(0);
  }
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return { values: values as Record<string, string | boolean | undefined> };
  } catch (e) {
    fail(`${e instanceof Error ? e.message : String(e)}\nusage: ${usage}`);
  }
}

async function main(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  let config: Config;
  try {
    config = loadConfig(process.env, { checkDatabasePath: sqlitePathProblem });
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, process.stderr, {
    secrets: secretValues(process.env),
  });
  switch (sub) {
    case 'console': {
      const { values } = parseOptions(
        rest,
        { as: { type: 'string' }, now: { type: 'string' } },
        'npm run cli -- console [--as feishu:<open_id>|wecom:<userid>] [--now 2026-11-20T09:00:00+08:00]',
      );
      const now = parseNow(values.now as string | undefined);
      // Without --as the console speaks as the local operator, who is an admin: the console runs on the server itself.
      const as =
        typeof values.as === 'string' ? parseIdentity(values.as) : { channel: 'console' as const, externalId: 'local' };
      const admins = values.as ? config.admins : [...config.admins, as];
      const rt = createRuntime({
        databasePath: config.databasePath,
        admins,
        clock: now ? offsetClock(now) : systemClock,
        log,
        deliveryChannels: deliveryChannels(config),
        pushHosts: pushHostsOf(config.channels),
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
      const { values } = parseOptions(
        rest,
        { now: { type: 'string' }, 'dry-run': { type: 'boolean' } },
        'npm run cli -- remind [--now 2026-11-20T09:00:00+08:00] [--dry-run]',
      );
      await remind(config, log, {
        now: parseNow(values.now as string | undefined),
        dryRun: values['dry-run'] === true,
      });
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
      const { writeReportFiles } = await import('./files/report/cli.js');
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
      const [file, ...extra] = rest;
      if (!file || extra.length || file.startsWith('-')) fail('usage: npm run cli -- backup FILE');
      const problem = backupProblem(config.databasePath, file);
      if (problem) fail(problem);
      try {
        await backupSqlite(config.databasePath, file);
      } catch (e) {
        // a folder, a read-only place, a full disk: one line, no stack trace
        const code = (e as NodeJS.ErrnoException).code;
        process.stderr.write(`backup failed: ${file}: ${code ?? (e instanceof Error ? e.message : String(e))}\n`);
        process.exit(1);
      }
      process.stdout.write(`backup written: ${file} (readable by its owner only)\n`);
      return;
    }
    case 'holidays':
      await holidays(config, log, rest);
      return;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      fail(USAGE);
  }
}

/** `backup FILE` may not overwrite the live database, and needs a database to copy. */
function backupProblem(live: string, file: string): string | null {
  const same = (a: string, b: string): boolean => {
    try {
      return fs.realpathSync(a) === fs.realpathSync(b);
    } catch {
      return path.resolve(a) === path.resolve(b);
    }
  };
  if (same(live, file) || ['-wal', '-shm'].some((x) => same(`${live}${x}`, file))) {
    return `backup: ${file} is the live database (DATABASE_PATH); write the copy somewhere else`;
  }
  if (!fs.existsSync(live)) return `backup: there is no database at DATABASE_PATH=${live}`;
  return null;
}

/** `holidays import FILE [--yes]`: a State Council holiday notice from a text file (src/app/holidays-import.ts). */
async function holidays(config: Config, log: Logger, args: readonly string[]): Promise<void> {
  const yes = args.includes('--yes') || args.includes('-y');
  const [action, file, ...extra] = args.filter((a) => a !== '--yes' && a !== '-y');
  if (action !== 'import' || !file || extra.length > 0 || file.startsWith('-')) fail(`用法：${HOLIDAYS_USAGE}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail(`无法读取 ${file}：${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const rt = createRuntime({ databasePath: config.databasePath, admins: [...config.admins, LOCAL_OPERATOR], log });
  try {
    const r = await importHolidayNotice(rt.core, text, { yes, file });
    (r.code === 0 ? process.stdout : process.stderr).write(`${r.output}\n`);
    process.exitCode = r.code;
  } finally {
    rt.close();
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
    pushHosts: pushHostsOf(config.channels),
  });
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  try {
    const report = await runSweep(rt, { now, dryRun: opts.dryRun, trigger: 'cli', recordedAt: real });
    const { env } = report;
    out(
      `提醒（截至 ${formatShanghai(now)}，${env.today} ${weekdayName(env.today)}${report.remindDay ? '' : '，非提醒日：定时任务这天不发送'}）`,
    );
    out(
      `找到 ${report.found.length} 项，新的 ${report.fresh.length} 项，${opts.dryRun ? '将排队' : '已排队'} ${report.messages.length} 条消息`,
    );
    if (report.fresh.length === 0 && report.found.length > 0)
      out('没有新的提醒：找到的事项本期都已提醒过（有发送记录）');
    for (const m of report.messages) {
      out(`  → ${m.to} [${m.message.channel} ${m.message.targetType} ${m.message.target}]`);
      if (opts.dryRun) out(renderText(m.message.payload).replace(/^/gm, '      '));
    }
    for (const u of report.unreachable) out(`  ! 无人接收：${u}`);
    if (opts.dryRun) {
      out('试运行：未记录、未排队、未发送');
      return;
    }
    const messengers = messengersOf(openChannels(config.channels, log, rt.core));
    const d = await deliverDue({ store: rt.services.store, clock: systemClock, log, messengers });
    const off = [...new Set(report.messages.map((m) => m.message.channel))].filter((c) => !messengers[c]);
    out(
      `投递：已发送 ${d.sent}，待重试 ${d.retried}，失败 ${d.failed}，等待 ${d.skipped}${off.length ? `（未启用的渠道：${off.join('、')}）` : ''}`,
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
