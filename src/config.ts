/**
 * The environment, parsed once into a typed Config: the process's own settings with zod, and each channel's settings
 * by the channel itself (src/channels/index.ts). The names are the README's "Settings" table.
 */
import { z } from 'zod';
import { ChannelConfigError, type ConfiguredChannel } from './channels/channel.js';
import { CHANNELS } from './channels/index.js';
import type { ChannelName, Identity } from './domain/model.js';

const optional = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

function parseAdmins(raw: string | undefined, ctx: z.RefinementCtx): Identity[] {
  if (!raw) return [];
  const out: Identity[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const i = part.indexOf(':');
    const channel = part.slice(0, i) as ChannelName;
    const externalId = part.slice(i + 1);
    if (i <= 0 || !CHANNELS.some((c) => c.name === channel) || externalId === '') {
      ctx.addIssue({
        code: 'custom',
        message: `ADMINS entry "${part}" must look like feishu:<open_id> or wecom:<userid>`,
      });
      continue;
    }
    out.push({ channel, externalId });
  }
  return out;
}

const schema = z.object({
  PORT: optional.transform((s, ctx) => {
    const n = Number(s ?? '8787');
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      ctx.addIssue({ code: 'custom', message: `PORT must be 0–65535, got ${s}` });
    return n;
  }),
  HOST: optional.transform((s) => s ?? '0.0.0.0'),
  DATABASE_PATH: optional.transform((s) => s ?? './data/govmedia.sqlite'),
  ADMINS: optional.transform(parseAdmins),
  LOG_LEVEL: optional
    .transform((s) => s ?? 'info')
    .pipe(z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])),
  /** run the daily sweep and the outbox loop in this process (tests may turn them off) */
  SCHEDULER: optional.transform((s) => s !== 'off'),
  /** with it, `/healthz` shows the queue and the channels to a request that gives it; without it, liveness only */
  HEALTH_TOKEN: optional.refine((s) => s === undefined || (s.length >= 16 && s.length <= 256 && !/\s/.test(s)), {
    message: 'HEALTH_TOKEN must be 16–256 characters without spaces',
  }),
});

export type Env = z.input<typeof schema>;

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  admins: Identity[];
  logLevel: string;
  scheduler: boolean;
  /** the token `/healthz` details need (HEALTH_TOKEN); none: `/healthz` answers liveness only */
  healthToken: string | undefined;
  /** the channels that are on, with their settings */
  channels: ConfiguredChannel[];
  /** why a channel is off, for the start-up log */
  channelsOff: { channel: ChannelName; reason: string }[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      problems.length === 1
        ? `invalid configuration: ${problems[0]}`
        : `invalid configuration:\n  ${problems.join('\n  ')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** a check of DATABASE_PATH where the database is a local file (Node): one sentence naming the variable, or null */
  checkDatabasePath?: (file: string) => string | null;
}

export function loadConfig(env: Record<string, string | undefined> = process.env, opts: LoadOptions = {}): Config {
  const r = schema.safeParse(env);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = r.data;
  const channels: ConfiguredChannel[] = [];
  const channelsOff: Config['channelsOff'] = [];
  const problems: string[] = [];
  for (const channel of CHANNELS) {
    try {
      const settings = channel.configure(env);
      if ('on' in settings) channels.push({ channel, config: settings.on });
      else channelsOff.push({ channel: channel.name, reason: settings.off });
    } catch (err) {
      if (!(err instanceof ChannelConfigError)) throw err;
      problems.push(...err.problems);
    }
  }
  const dbProblem = opts.checkDatabasePath?.(e.DATABASE_PATH) ?? null;
  if (dbProblem) problems.push(dbProblem);
  if (problems.length) throw new ConfigError(problems);
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    admins: e.ADMINS,
    logLevel: e.LOG_LEVEL,
    scheduler: e.SCHEDULER,
    healthToken: e.HEALTH_TOKEN,
    channels,
    channelsOff,
  };
}
