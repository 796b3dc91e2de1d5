/**
 * The command-line tool: `npm run cli -- <subcommand>`.
 *   console [--as feishu:ou_x] [--now ISO]   the chat commands at a prompt, or piped in one per line
 *   migrate                                   apply database migrations
 *   backup FILE                               a consistent copy of the (live) database
 */
import { parseArgs } from 'node:util';
import { backupSqlite, openSqlite } from '../storage/db.js';
import { createRuntime } from './app/runtime.js';
import { runConsole } from './channels/console/console.js';
import { offsetClock, systemClock } from './domain/clock.js';
import { CHANNELS, type ChannelName, type Identity } from './domain/model.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';

const USAGE = `usage: npm run cli -- <subcommand>
  console [--as feishu:<open_id>|wecom:<userid>] [--now 2026-11-20T09:00:00+08:00]
  migrate
  backup FILE`;

function fail(msg: string): never {
  process.stderr.write(`${msg}\n`);
  process.exit(2);
}

function parseIdentity(s: string): Identity {
  const i = s.indexOf(':');
  const channel = s.slice(0, i) as ChannelName;
  if (i <= 0 || !CHANNELS.includes(channel) || s.length === i + 1) fail(`--as must look like feishu:<open_id> or wecom:<userid>, got "${s}"`);
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
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) fail(e.message);
    throw e;
  }
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  switch (sub) {
    case 'console': {
      const { values } = parseArgs({ args: rest, options: { as: { type: 'string' }, now: { type: 'string' } }, strict: true });
      const now = parseNow(values.now);
      // Without --as the console speaks as the local operator, who is an admin: the console runs on the server itself.
      const as = values.as ? parseIdentity(values.as) : { channel: 'console' as const, externalId: 'local' };
      const admins = values.as ? config.admins : [...config.admins, as];
      const rt = createRuntime({ databasePath: config.databasePath, admins, clock: now ? offsetClock(now) : systemClock, log, deliveryChannels: config.feishu ? ['feishu'] : [] });
      try {
        await runConsole({ services: rt.services, registry: rt.registry, as, input: process.stdin, output: process.stdout, interactive: Boolean(process.stdin.isTTY) });
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

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
