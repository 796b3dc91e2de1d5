/** The environment, parsed once with zod into a typed Config (names: PRODUCT.md "Operating contract"). */
import { z } from 'zod';
import { CHANNELS, type ChannelName, type Identity } from './domain/model.js';

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
    if (i <= 0 || !CHANNELS.includes(channel) || externalId === '') {
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

const baseUrl = (fallback: string) =>
  optional.transform((s, ctx) => {
    const v = (s ?? fallback).replace(/\/+$/, '');
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
    } catch {
      ctx.addIssue({ code: 'custom', message: `not an http(s) URL: ${v}` });
    }
    return v;
  });

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
  FEISHU_APP_ID: optional,
  FEISHU_APP_SECRET: optional,
  FEISHU_ENCRYPT_KEY: optional,
  FEISHU_VERIFICATION_TOKEN: optional,
  FEISHU_BASE_URL: baseUrl('https://open.feishu.cn'),
  WECOM_CORP_ID: optional,
  WECOM_AGENT_ID: optional,
  WECOM_SECRET: optional,
  WECOM_TOKEN: optional,
  WECOM_ENCODING_AES_KEY: optional,
  WECOM_BASE_URL: baseUrl('https://qyapi.weixin.qq.com'),
  /** run the daily sweep and the outbox loop in this process (tests may turn them off) */
  SCHEDULER: optional.transform((s) => s !== 'off'),
});

export type Env = z.input<typeof schema>;

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  /** required: the signature of every request is checked with it */
  encryptKey: string;
  /** checked inside every decrypted event when set */
  verificationToken: string | undefined;
  baseUrl: string;
}

export interface Config {
  port: number;
  host: string;
  databasePath: string;
  admins: Identity[];
  logLevel: string;
  scheduler: boolean;
  feishu: FeishuConfig | null;
  /** why a channel is off, for the start-up log */
  channelsOff: { channel: ChannelName; reason: string }[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const r = schema.safeParse(env);
  if (!r.success) throw new ConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = r.data;
  const channelsOff: Config['channelsOff'] = [];
  let feishu: FeishuConfig | null = null;
  if (e.FEISHU_APP_ID && e.FEISHU_APP_SECRET) {
    // Without the Encrypt Key nothing is signed and the verification token travels in clear in every body: an event
    // could be forged by anyone who has seen one. So the channel does not start without it.
    if (!e.FEISHU_ENCRYPT_KEY) {
      throw new ConfigError([
        'FEISHU_ENCRYPT_KEY: required when FEISHU_APP_ID and FEISHU_APP_SECRET are set (request signatures are checked with it)',
      ]);
    }
    feishu = {
      appId: e.FEISHU_APP_ID,
      appSecret: e.FEISHU_APP_SECRET,
      encryptKey: e.FEISHU_ENCRYPT_KEY,
      verificationToken: e.FEISHU_VERIFICATION_TOKEN,
      baseUrl: e.FEISHU_BASE_URL,
    };
  } else {
    channelsOff.push({ channel: 'feishu', reason: 'FEISHU_APP_ID / FEISHU_APP_SECRET not set' });
  }
  // WeCom callbacks are signed with the Token and encrypted with the EncodingAESKey: both or no channel.
  if (e.WECOM_CORP_ID && e.WECOM_SECRET) {
    const missing = [!e.WECOM_TOKEN && 'WECOM_TOKEN', !e.WECOM_ENCODING_AES_KEY && 'WECOM_ENCODING_AES_KEY'].filter(
      (x): x is string => Boolean(x),
    );
    if (missing.length > 0)
      throw new ConfigError(
        missing.map(
          (v) => `${v}: required when WECOM_CORP_ID and WECOM_SECRET are set (callbacks are verified with it)`,
        ),
      );
  }
  channelsOff.push({ channel: 'wecom', reason: 'the WeCom channel is not built yet' });
  return {
    port: e.PORT,
    host: e.HOST,
    databasePath: e.DATABASE_PATH,
    admins: e.ADMINS,
    logLevel: e.LOG_LEVEL,
    scheduler: e.SCHEDULER,
    feishu,
    channelsOff,
  };
}
