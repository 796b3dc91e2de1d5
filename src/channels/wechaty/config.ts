/**
 * The Wechaty channel's settings from the environment. The channel is on when WECHATY_PUPPET names a puppet package.
 *
 *   WECHATY_PUPPET                 puppet package, e.g. wechaty-puppet-wechat4u, wechaty-puppet-service
 *   WECHATY_PUPPET_SERVICE_TOKEN   token for wechaty-puppet-service (required with it)
 *   WECHATY_NAME                   name of the login session file (<name>.memory-card.json) kept across restarts
 *   WECHATY_SEND_INTERVAL_MS       least time between two sent messages (default 3000; WeChat limits bursts)
 *   WECHATY_PAGE_CHARS             longest text sent as one message; longer replies are paged (default 1500)
 *   WECHATY_OFFLINE_RETRY_MS       while logged out, how often a waiting message is looked at again (default 60000)
 */
import { z } from 'zod';
import { ChannelConfigError, type ChannelSettings, type Env } from '../channel.js';

export interface WechatyConfig {
  puppet: string;
  token: string | undefined;
  name: string | undefined;
  sendIntervalMs: number;
  pageChars: number;
  offlineRetryMs: number;
}

export const DEFAULT_SEND_INTERVAL_MS = 3_000;
export const DEFAULT_PAGE_CHARS = 1_500;
export const DEFAULT_OFFLINE_RETRY_MS = 60_000;

const optional = z
  .string()
  .optional()
  .transform((s) => (s === undefined || s.trim() === '' ? undefined : s.trim()));

const int = (name: string, fallback: number, min: number, max: number) =>
  optional.transform((s, ctx) => {
    const n = s === undefined ? fallback : Number(s);
    if (!Number.isInteger(n) || n < min || n > max)
      ctx.addIssue({ code: 'custom', message: `${name} must be an integer ${min}–${max}, got ${s}` });
    return n;
  });

const schema = z.object({
  WECHATY_PUPPET: optional.pipe(
    z
      .string()
      .regex(/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i, {
        error: 'WECHATY_PUPPET must be a puppet package name, e.g. wechaty-puppet-wechat4u',
      })
      .optional(),
  ),
  WECHATY_PUPPET_SERVICE_TOKEN: optional,
  WECHATY_NAME: optional.pipe(
    z
      .string()
      .regex(/^[\w./-]{1,200}$/, { error: 'WECHATY_NAME may hold letters, digits, _ . / - only' })
      .optional(),
  ),
  WECHATY_SEND_INTERVAL_MS: int('WECHATY_SEND_INTERVAL_MS', DEFAULT_SEND_INTERVAL_MS, 0, 600_000),
  WECHATY_PAGE_CHARS: int('WECHATY_PAGE_CHARS', DEFAULT_PAGE_CHARS, 200, 10_000),
  WECHATY_OFFLINE_RETRY_MS: int('WECHATY_OFFLINE_RETRY_MS', DEFAULT_OFFLINE_RETRY_MS, 1_000, 3_600_000),
});

export const WECHATY_VARIABLES = [
  'WECHATY_PUPPET',
  'WECHATY_PUPPET_SERVICE_TOKEN',
  'WECHATY_NAME',
  'WECHATY_SEND_INTERVAL_MS',
  'WECHATY_PAGE_CHARS',
  'WECHATY_OFFLINE_RETRY_MS',
] as const;

/** The channel's settings: on when WECHATY_PUPPET is set. Throws ChannelConfigError naming the bad variable. */
export function wechatySettings(env: Env): ChannelSettings<WechatyConfig> {
  const r = schema.safeParse(env);
  if (!r.success) throw new ChannelConfigError(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = r.data;
  if (!e.WECHATY_PUPPET) return { off: 'WECHATY_PUPPET not set' };
  if (e.WECHATY_PUPPET === 'wechaty-puppet-service' && !e.WECHATY_PUPPET_SERVICE_TOKEN) {
    throw new ChannelConfigError([
      'WECHATY_PUPPET_SERVICE_TOKEN is required with WECHATY_PUPPET=wechaty-puppet-service',
    ]);
  }
  return {
    on: {
      puppet: e.WECHATY_PUPPET,
      token: e.WECHATY_PUPPET_SERVICE_TOKEN,
      name: e.WECHATY_NAME,
      sendIntervalMs: e.WECHATY_SEND_INTERVAL_MS,
      pageChars: e.WECHATY_PAGE_CHARS,
      offlineRetryMs: e.WECHATY_OFFLINE_RETRY_MS,
    },
  };
}
