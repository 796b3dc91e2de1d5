/**
 * Fetch and parse one account's feed (RSS 2.0 / RSS 1.0 (RDF) / Atom / JSON Feed), with conditional GET,
 * a hard timeout, a size limit, and the per-feed back-off policy. No database access: the poller stores
 * `etag` / `lastModified` and the failure count, and turns new items into posts.
 *
 * `fetchFeed` never throws; every failure comes back as `{ kind: 'error' }` with a short Chinese message for admins.
 */
import { createHash } from 'node:crypto';
import type { AnyFeed } from 'feedsmith';
import { parseFeed } from 'feedsmith';
import type { FeedNet } from '../ports/feeds.js';

export type FeedItem = {
  /** guid / id, else link, else `hash:` + sha256 of title and raw date */
  id: string;
  title: string;
  link: string | null;
  publishedAt: Date | null;
};

export type FeedErrorCode =
  | 'timeout'
  | 'http'
  | 'too-large'
  | 'malformed'
  | 'network'
  | 'bad-url'
  | 'blocked'
  | 'redirects';

export type FeedResult =
  | { kind: 'not-modified' }
  | { kind: 'ok'; etag: string | null; lastModified: string | null; title: string | null; items: FeedItem[] }
  | { kind: 'error'; code: FeedErrorCode; message: string; status?: number; retryAfterSeconds?: number };

export type FeedState = { etag?: string | null; lastModified?: string | null };

export type FetchFeedOptions = {
  /** covers connecting, headers and the whole body; default 10 000 */
  timeoutMs?: number;
  /** default 2 MiB */
  maxBytes?: number;
  /** for tests: used instead of the pinned connection (the address is still checked first, redirects by hand) */
  fetch?: typeof fetch;
  userAgent?: string;
  /** hosts, addresses or CIDR ranges an admin allows to be private (policy 订阅源内网); default none */
  privateHosts?: readonly string[];
  /** the checked, pinned network (src/http/feed-net.ts); without it nothing is fetched */
  net?: FeedNet;
  /** redirects followed, each checked like the first URL; default 3 */
  maxRedirects?: number;
};

/**
 * One text for every way a connection can fail — refused, reset, unresolvable, or an address the policy does not
 * allow — so the message shown to whoever filed the URL says nothing about which ports or hosts exist.
 */
export const UNREACHABLE = '订阅源无法连接（地址不可达，或是未经管理员放行的内网地址）';

type FeedError = Extract<FeedResult, { kind: 'error' }>;

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
const DEFAULT_USER_AGENT = 'govmedia-assistant/0.1 (feed poller)';
const ACCEPT = [
  'application/rss+xml, application/atom+xml, application/feed+json',
  'application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5',
].join(', ');

const fail = (code: FeedErrorCode, message: string, extra: Partial<FeedError> = {}): FeedError => ({
  kind: 'error',
  code,
  message,
  ...extra,
});

export async function fetchFeed(url: string, state: FeedState, opts: FetchFeedOptions = {}): Promise<FeedResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const target = URL.canParse(url) ? new URL(url) : null;
  if (!target || (target.protocol !== 'http:' && target.protocol !== 'https:')) {
    return fail('bad-url', '订阅源地址无效（仅支持 http/https）');
  }

  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  // Racing against the timer (not only aborting) also bounds an injected fetch that ignores the signal.
  const timedOut = new Promise<FeedResult>((resolve) => {
    timer = setTimeout(() => {
      // settle before aborting, so the race reports the timeout rather than the abort it causes
      resolve(fail('timeout', `订阅源超时（${formatSeconds(timeoutMs)}秒）`));
      controller.abort();
    }, timeoutMs);
  });
  try {
    return await Promise.race([request(target, state, opts, controller.signal), timedOut]);
  } catch {
    return fail('network', UNREACHABLE);
  } finally {
    clearTimeout(timer);
    controller.abort(); // releases any body left unread (304, error statuses, early too-large)
  }
}

async function request(
  target: URL,
  state: FeedState,
  opts: FetchFeedOptions,
  signal: AbortSignal,
): Promise<FeedResult> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const headers: Record<string, string> = { 'User-Agent': opts.userAgent ?? DEFAULT_USER_AGENT, Accept: ACCEPT };
  if (state.etag) headers['If-None-Match'] = state.etag;
  if (state.lastModified) headers['If-Modified-Since'] = state.lastModified;

  let res: Response | undefined;
  let url = target;
  const maxRedirects = opts.maxRedirects ?? 3;
  for (let hop = 0; ; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return fail('bad-url', '订阅源地址无效（仅支持 http/https）');
    if (!opts.net) return fail('blocked', UNREACHABLE);
    const pin = await opts.net.check(url, opts.privateHosts ?? []);
    if (!pin.ok) return fail(pin.reason === 'blocked' ? 'blocked' : 'network', UNREACHABLE);
    try {
      res = opts.fetch
        ? await opts.fetch(url, { headers, signal, redirect: 'manual' })
        : await opts.net.get(url, pin, headers, signal);
    } catch {
      return fail('network', UNREACHABLE);
    }
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location === null) break;
    await res.body?.cancel().catch(() => {});
    if (hop >= maxRedirects) return fail('redirects', `订阅源重定向次数过多（最多 ${maxRedirects} 次）`);
    if (!URL.canParse(location, url.href)) return fail('bad-url', '订阅源重定向地址无效');
    url = new URL(location, url);
  }
  if (res.status === 304) return { kind: 'not-modified' };
  if (!res.ok) {
    const retryAfterSeconds =
      res.status === 429 || res.status === 503 ? parseRetryAfter(res.headers.get('retry-after')) : undefined;
    return fail('http', `订阅源返回错误（HTTP ${res.status}）`, {
      status: res.status,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
  }

  const tooLarge = fail('too-large', `订阅源过大（超过${formatBytes(maxBytes)}）`);
  if (Number(res.headers.get('content-length') ?? 0) > maxBytes) return tooLarge;
  let bytes: Uint8Array | null;
  try {
    bytes = await readLimited(res.body, maxBytes);
  } catch {
    return fail('network', UNREACHABLE);
  }
  if (!bytes) return tooLarge;

  const text = decode(bytes, res.headers.get('content-type'));
  try {
    return {
      kind: 'ok',
      etag: res.headers.get('etag'),
      lastModified: res.headers.get('last-modified'),
      ...toFeed(parseFeed(text)),
    };
  } catch {
    return fail('malformed', '订阅源格式无法解析（不是有效的 RSS/Atom/JSON Feed）');
  }
}

/** The body, or null as soon as it passes `maxBytes` (the rest is never read). */
async function readLimited(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {}); // don't wait for the peer
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const GB_CHARSETS = new Set(['gbk', 'gb2312', 'gb18030', 'x-gbk', 'cp936']);

/** UTF-8 unless the Content-Type charset (or, failing that, the XML declaration) names a GB encoding. */
function decode(bytes: Uint8Array, contentType: string | null): string {
  const declared =
    /charset\s*=\s*"?([\w-]+)/i.exec(contentType ?? '')?.[1] ??
    /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w-]+)/i.exec(Buffer.from(bytes.subarray(0, 200)).toString('latin1'))?.[1];
  const label = declared && GB_CHARSETS.has(declared.toLowerCase()) ? 'gb18030' : 'utf-8';
  return new TextDecoder(label).decode(bytes);
}

// ---------------------------------------------------------------- feed → items

function toFeed(parsed: AnyFeed): { title: string | null; items: FeedItem[] } {
  switch (parsed.format) {
    case 'rss': {
      const { feed } = parsed;
      return {
        title: clean(feed.title),
        items: (feed.items ?? []).map((i) => item(i.title, i.guid?.value, i.link, i.pubDate ?? i.dc?.dates?.[0])),
      };
    }
    case 'rdf': {
      const { feed } = parsed;
      return {
        title: clean(feed.title),
        items: (feed.items ?? []).map((i) => item(i.title, i.rdf?.about, i.link, i.dc?.dates?.[0])),
      };
    }
    case 'atom': {
      const { feed } = parsed;
      return {
        title: clean(feed.title?.value),
        items: (feed.entries ?? []).map((e) => {
          const links = e.links ?? [];
          const link = (links.find((l) => !l.rel || l.rel === 'alternate') ?? links[0])?.href;
          return item(e.title?.value, e.id, link, e.published ?? e.updated);
        }),
      };
    }
    case 'json': {
      const { feed } = parsed;
      return {
        title: clean(feed.title),
        items: (feed.items ?? []).map((i) =>
          item(i.title, i.id, i.url ?? i.external_url, i.date_published ?? i.date_modified),
        ),
      };
    }
  }
}

function item(title?: string, id?: string, link?: string, rawDate?: string): FeedItem {
  const t = clean(title) ?? '';
  const l = clean(link);
  const hash = () =>
    createHash('sha256')
      .update(`${t}\n${rawDate ?? ''}`)
      .digest('hex')
      .slice(0, 32);
  return { id: clean(id) ?? l ?? `hash:${hash()}`, title: t, link: l, publishedAt: parseFeedDate(rawDate) };
}

function clean(s: string | undefined): string | null {
  const v = s?.trim();
  return v ? v : null;
}

// ---------------------------------------------------------------- dates

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const ZONES: Record<string, number> = {
  UT: 0,
  UTC: 0,
  GMT: 0,
  Z: 0,
  EST: -5,
  EDT: -4,
  CST: -6,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
};
/** A date with no zone at all is Beijing time: these are Chinese government feeds. */
const DEFAULT_OFFSET_MINUTES = 8 * 60;

const RFC822 =
  /^(?:[a-z]{3,9},?\s*)?(\d{1,2})\s+([a-z]{3})[a-z]*\.?\s+(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4}|[a-z]{1,3})?$/i;
const ISO8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[t\s](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** RFC 822 (RSS) or ISO 8601 / RFC 3339 (Atom, JSON Feed); anything else, or an impossible date, is null. */
export function parseFeedDate(raw: string | null | undefined): Date | null {
  const s = raw?.trim() ?? '';
  let m = RFC822.exec(s);
  if (m) {
    const [, d, mon, y, h, min, sec, zone] = m;
    const month = MONTHS.indexOf(mon!.toLowerCase());
    const offset = zone === undefined ? DEFAULT_OFFSET_MINUTES : zoneOffset(zone);
    if (month < 0 || offset === null) return null;
    const year = y!.length === 2 ? 1900 + Number(y) + (Number(y) < 50 ? 100 : 0) : Number(y);
    return utc(year, month, Number(d), Number(h), Number(min), Number(sec ?? 0), 0, offset);
  }
  m = ISO8601.exec(s);
  if (m) {
    const [, y, mon, d, h, min, sec, frac, zone] = m;
    const offset = zone === undefined ? DEFAULT_OFFSET_MINUTES : zoneOffset(zone);
    if (offset === null) return null;
    const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
    return utc(Number(y), Number(mon) - 1, Number(d), Number(h ?? 0), Number(min ?? 0), Number(sec ?? 0), ms, offset);
  }
  return null;
}

/** Minutes east of UTC for `+0800`, `+08:00`, `+08`, `Z`, `GMT`, `EST`, …; null when unknown. */
function zoneOffset(zone: string): number | null {
  const num = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (num) return (num[1] === '-' ? -1 : 1) * (Number(num[2]) * 60 + Number(num[3] ?? 0));
  const hours = ZONES[zone.toUpperCase()];
  return hours === undefined ? null : hours * 60;
}

/** Builds the instant, rejecting out-of-range fields (Feb 30, 25:00) instead of letting Date roll them over. */
function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, offsetMin: number) {
  const local = new Date(Date.UTC(y, mo, d, h, mi, s, ms));
  if (local.getUTCFullYear() !== y || local.getUTCMonth() !== mo || local.getUTCDate() !== d) return null;
  if (h > 23 || mi > 59 || s > 60) return null;
  return new Date(local.getTime() - offsetMin * 60_000);
}

// ---------------------------------------------------------------- headers, messages

/** Retry-After as delta-seconds or an HTTP date; seconds from now, never negative. */
function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const at = parseFeedDate(v);
  return at ? Math.max(0, Math.ceil((at.getTime() - now) / 1000)) : undefined;
}

function formatSeconds(ms: number): string {
  return String(Math.round((ms / 1000) * 10) / 10);
}

function formatBytes(n: number): string {
  const round = (x: number) => String(Math.round(x * 10) / 10);
  if (n >= 1024 * 1024) return `${round(n / 1024 / 1024)}MB`;
  if (n >= 1024) return `${round(n / 1024)}KB`;
  return `${n}字节`;
}

// ---------------------------------------------------------------- back-off

export type NextPollOptions = {
  /** the normal interval, used after a success (failures = 0); default 60 */
  baseMinutes?: number;
  /** cap on the exponential delay; default 24 × 60 */
  maxMinutes?: number;
  /** from the last 429/503; the delay is never shorter than this (even above maxMinutes) */
  retryAfterSeconds?: number;
  /** optional spread, given the delay in ms and returning the delay to use; none by default, so results are deterministic */
  jitter?: (delayMs: number) => number;
};

/** When to poll next: base × 2^failures minutes, capped at maxMinutes, and at least Retry-After. */
export function nextPollAt(now: Date, consecutiveFailures: number, opts: NextPollOptions = {}): Date {
  const base = opts.baseMinutes ?? 60;
  const max = opts.maxMinutes ?? 24 * 60;
  // clamped so that 2^failures stays finite (0 × Infinity would be NaN)
  const failures = Number.isFinite(consecutiveFailures)
    ? Math.min(Math.max(0, Math.floor(consecutiveFailures)), 40)
    : 0;
  let delayMs = Math.min(base * 2 ** failures, max) * 60_000;
  if (opts.jitter) delayMs = opts.jitter(delayMs);
  delayMs = Math.max(delayMs, (opts.retryAfterSeconds ?? 0) * 1000);
  return new Date(now.getTime() + delayMs);
}
