/**
 * The process logger: pino, JSON lines on stderr (stdout stays clean for the CLI), secrets redacted twice over: keys
 * that name a secret are censored (REDACT_PATHS), and every text — messages, fields, an error's message and stack —
 * goes through `redactText`, which removes the process's own secret values, bearer and Feishu tokens, and
 * `secret-name=value` pairs inside a platform's error text.
 */
import pino from 'pino';
import { type Logger, redactText } from './ports/logger.js';

export const REDACT_PATHS = [
  'secret',
  'token',
  'encryptKey',
  'appSecret',
  'app_secret',
  'authorization',
  'Authorization',
  '*.secret',
  '*.token',
  '*.appSecret',
  '*.app_secret',
  '*.encryptKey',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'config.headers.Authorization',
  'config.data',
  'err.config',
  'err.request',
  'err.response.config',
];

/** what an HTTP client's error drags along (sockets, the request with its headers): never walked, never printed */
const HEAVY_KEYS: ReadonlySet<string> = new Set(['config', 'request', 'socket', 'agent', 'res', 'req', 'raw']);

function scrub(v: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof v === 'string') return redactText(v, secrets);
  if (v === null || typeof v !== 'object' || depth > 5 || v instanceof Date) return v;
  if (v instanceof Error) return v; // the `err` serializer scrubs it
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => scrub(x, secrets, depth + 1));
  if (ArrayBuffer.isView(v)) return `[${v.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, x] of Object.entries(v)) {
    if (++n > 50) break;
    if (!HEAVY_KEYS.has(k)) out[k] = scrub(x, secrets, depth + 1);
  }
  return out;
}

export function createLogger(
  level: string,
  destination: NodeJS.WritableStream = process.stderr,
  opts: { secrets?: readonly string[] } = {},
): Logger & pino.Logger {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 6);
  const errText = (e: unknown): unknown => {
    const out: unknown = e instanceof Error ? pino.stdSerializers.err(e) : e;
    return scrub(out !== null && typeof out === 'object' ? { ...out } : out, secrets);
  };
  return pino(
    {
      level,
      base: { app: 'govmedia' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: errText },
      formatters: { log: (obj) => scrub(obj, secrets) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? redactText(a, secrets) : a));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    pino.destination({ dest: (destination as { fd?: number }).fd ?? 2, sync: true }),
  );
}
