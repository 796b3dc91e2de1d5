/** The structured logger the core writes to (pino in the Node process). Never pass secrets in `obj`. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A name that says its value is a secret: `app_secret`, `access_token`, `tenant_access_token`, `EncodingAESKey` … */
const SECRET_NAME = String.raw`[\w-]*(?:secret|token|password|passwd|encrypt_?key|aes_?key|signature|ticket)`;
/** `name=value`, `name: value`, `"name":"value"` inside a text (a platform's error message, a URL's query) */
const NAMED_VALUE = new RegExp(String.raw`(\b${SECRET_NAME}["']?\s*[:=]\s*["']?)([^\s"'&,;)}\]]+)`, 'gi');
const BEARER = /\b(Bearer\s+)[^\s"',;)}\]]+/gi;
/** Feishu's tenant, app and user access tokens (`t-g104…`, `a-…`, `u-…`) */
const FEISHU_TOKEN = /\b[tau]-[A-Za-z0-9_-]{20,}/g;
const CENSOR = '[redacted]';

/**
 * A text as it may be logged: the values of the process's own secrets (given), bearer tokens, Feishu access tokens and
 * anything written as `secret-name=value` replaced by `[redacted]`.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(CENSOR);
  return out.replace(BEARER, `$1${CENSOR}`).replace(NAMED_VALUE, `$1${CENSOR}`).replace(FEISHU_TOKEN, CENSOR);
}

/** The values of the variables that hold secrets (`…SECRET`, `…TOKEN`, `…KEY`, `…PASSWORD`), to keep out of the logs. */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([k, v]) => /SECRET|TOKEN|_KEY$|PASSWORD/i.test(k) && typeof v === 'string' && v.trim().length >= 6)
    .map(([, v]) => (v as string).trim())
    .sort((a, b) => b.length - a.length);
}
