/**
 * A URL as it may be shown in a chat or a log: user name and password, and the values of query parameters that look
 * like secrets (`?token=`, `key=`, `access_key=`, `sign=` …), replaced by `***`. Anything unparsable is shown cut.
 */
const SECRET_PARAM = /(token|key|secret|pass(word)?|pwd|auth|sign(ature)?|credential|session|sid|ticket|code)/i;

export function maskUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return raw.length > 80 ? `${raw.slice(0, 79)}…` : raw;
  }
  if (u.username || u.password) {
    u.username = '***';
    u.password = '';
  }
  for (const name of [...new Set(u.searchParams.keys())]) {
    if (SECRET_PARAM.test(name)) u.searchParams.set(name, '***');
  }
  // keep the *** readable rather than percent-encoded
  return u.href.replace(/%2A%2A%2A/g, '***');
}
