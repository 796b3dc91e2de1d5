/**
 * The Node entry (`npm start`): configuration, the SQLite file (migrations applied on start), the Hono app on PORT,
 * and the in-process loops. Starts with no platform credentials at all and says which channels are off.
 */
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createRuntime } from './app/runtime.js';
import { ConfigError, loadConfig } from './config.js';
import type { ChannelName } from './domain/model.js';
import { createApp } from './http/app.js';
import { createLogger } from './log.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const log = createLogger(config.logLevel);
  const deliveryChannels: ChannelName[] = config.feishu ? ['feishu'] : [];
  const rt = createRuntime({ databasePath: config.databasePath, admins: config.admins, log, deliveryChannels });
  log.info({ database: config.databasePath }, 'database ready (migrations applied)');
  for (const off of config.channelsOff) log.warn({ channel: off.channel, reason: off.reason }, `channel ${off.channel} is off`);
  if (config.admins.length === 0) log.warn({}, 'ADMINS is empty: nobody can administer from a chat (the console still works)');

  const app = createApp({
    log,
    async health() {
      let db: 'ok' | 'error' = 'ok';
      try {
        rt.db.db.get(sql`select 1`);
      } catch {
        db = 'error';
      }
      return {
        ok: db === 'ok',
        db,
        channels: { feishu: config.feishu ? 'on' : 'off', wecom: 'off', console: 'on' },
      };
    },
  });

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    log.info({ port: info.port, host: config.host }, `listening on http://${config.host}:${info.port}`);
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close(() => {
      rt.close();
      process.exit(0);
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
