/**
 * The Worker's logger: one JSON line per entry through `console` (Workers Logs / `wrangler tail` collect them). The
 * same redaction as the Node logger: a key that names a secret is never printed.
 */
import { type Logger, redactText } from '../ports/logger.js';

const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 } as const;
const SECRET_KEY = /secret|token|encryptkey|authorization|password/i;

function clean(v: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof v === 'string') return redactText(v, secrets);
  if (v instanceof Error) return clean({ type: v.name, message: v.message, stack: v.stack }, secrets, depth);
  if (v === null || typeof v !== 'object' || depth > 4) return v;
  if (Array.isArray(v)) return v.slice(0, 50).map((x) => clean(x, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : clean(x, secrets, depth + 1);
  return out;
}

/** `secrets`: values never to print (the secrets among the Worker's variables, `secretValues`). */
export function consoleLogger(
  level: string,
  sink: Pick<Console, 'log' | 'error'> = console,
  secrets: readonly string[] = [],
): Logger {
  const min = LEVELS[level as keyof typeof LEVELS] ?? LEVELS.info;
  const at = (name: 'debug' | 'info' | 'warn' | 'error') => (obj: object, msg?: string) => {
    if (LEVELS[name] < min) return;
    const line = JSON.stringify({
      level: name,
      time: new Date().toISOString(),
      app: 'govmedia',
      msg: msg === undefined ? undefined : redactText(msg, secrets),
      ...(clean(obj, secrets) as object),
    });
    if (name === 'error' || name === 'warn') sink.error(line);
    else sink.log(line);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
