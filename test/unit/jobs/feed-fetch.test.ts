import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { nodeFeedNet } from '../../../src/http/feed-net.js';
import { fetchFeed as fetchAny, nextPollAt, parseFeedDate, UNREACHABLE } from '../../../src/jobs/feed-fetch.js';
import type { FeedResult } from '../../../src/jobs/feed-fetch.js';

/** The feeds here are served from 127.0.0.1, which an admin must allow (订阅源内网); see feed-guard tests for the default. */
const fetchFeed = (url: string, state: Parameters<typeof fetchAny>[1], opts: Parameters<typeof fetchAny>[2] = {}) =>
  fetchAny(url, state, { privateHosts: ['127.0.0.1'], net: nodeFeedNet(), ...opts });

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/feeds/${name}`, import.meta.url));
const RSS = fixture('county-wechat.rss.xml');
const ATOM = fixture('county-weibo.atom.xml');
const JSON_FEED = fixture('county-site.feed.json');
const MALFORMED = fixture('malformed.rss.xml');
const GBK = fixture('county-gbk.rss.xml');

const ETAG = '"rsshub-5f3a"';
const LAST_MODIFIED = 'Tue, 10 Jun 2025 02:05:12 GMT';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const send =
  (body: Buffer | string, contentType: string, status = 200, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

const seen: Record<string, IncomingHttpHeaders[]> = {};

const routes: Record<string, Handler> = {
  '/rss': send(RSS, 'application/rss+xml; charset=utf-8'),
  '/atom': send(ATOM, 'application/atom+xml'),
  '/json': send(JSON_FEED, 'application/feed+json'),
  '/malformed': send(MALFORMED, 'application/xml'),
  '/html': send('<!doctype html><html><body>Welcome to RSSHub!</body></html>', 'text/html'),
  '/gbk-header': send(GBK, 'text/xml; charset=GBK'),
  '/gbk-prolog': send(GBK, 'text/xml'),
  '/etag': (req, res) => {
    if (req.headers['if-none-match'] === ETAG) return void res.writeHead(304, { ETag: ETAG }).end();
    send(RSS, 'application/rss+xml', 200, { ETag: ETAG })(req, res);
  },
  '/last-modified': (req, res) => {
    if (req.headers['if-modified-since'] === LAST_MODIFIED) return void res.writeHead(304).end();
    send(ATOM, 'application/atom+xml', 200, { 'Last-Modified': LAST_MODIFIED })(req, res);
  },
  '/500': send('Internal Server Error', 'text/plain', 500),
  '/429': send('Too Many Requests', 'text/plain', 429, { 'Retry-After': '120' }),
  '/503-date': (req, res) =>
    send('busy', 'text/plain', 503, { 'Retry-After': new Date(Date.now() + 90_000).toUTCString() })(req, res),
  '/stall-body': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?><rss version="2.0"><channel><title>青山'); // …and nothing more
  },
  '/never': () => {},
  '/endless': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/rss+xml' }); // chunked, no Content-Length
    const chunk = Buffer.alloc(16 * 1024, 'a');
    const tick = setInterval(() => res.write(chunk), 2);
    res.on('close', () => clearInterval(tick));
  },
  '/huge-length': (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/rss+xml', 'Content-Length': String(50 * 1024 * 1024) });
    res.write('<rss'); // would take forever; the client must not wait for it
  },
};

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    (seen[path] ??= []).push(req.headers);
    (routes[path] ?? send('not found', 'text/plain', 404))(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections(); // the stalled responses would otherwise keep close() waiting
  await new Promise((resolve) => server.close(resolve));
});

const ok = (r: FeedResult) => {
  if (r.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
};

/** Runs fetchFeed and also reports how long it took. */
async function timed(url: string, opts: Parameters<typeof fetchFeed>[2] = {}) {
  const start = performance.now();
  const result = await fetchFeed(url, {}, opts);
  return { result, ms: performance.now() - start };
}

describe('fetchFeed: formats', () => {
  it('parses an RSSHub-style 微信公众号 RSS 2.0 feed', async () => {
    const r = ok(await fetchFeed(`${base}/rss`, {}));
    expect(r.title).toBe('青山县人民政府');
    expect(r.etag).toBeNull();
    expect(r.lastModified).toBeNull();
    expect(r.items).toHaveLength(4);
    const [first, second, third, fourth] = r.items;
    expect(first).toEqual({
      id: 'wechat-mp-2247483901-1',
      title: '青山县召开2025年防汛工作部署会',
      link: 'https://mp.weixin.qq.com/s/Xq3kLm9PzR1aB2cD3eF4gH',
      publishedAt: new Date('2025-06-09T10:30:00Z'),
    });
    expect(second?.title).toBe('【政策解读】《青山县促进民营经济发展若干措施》问答 & 申报指南');
    expect(second?.publishedAt).toEqual(new Date('2025-06-06T10:00:00Z'));
    // no guid → link; unparseable date → null
    expect(third).toMatchObject({ id: 'https://mp.weixin.qq.com/s/Mn01Op23Qr45St67Uv89Wx', publishedAt: null });
    // neither guid nor link → stable hash of title + date
    expect(fourth?.id).toMatch(/^hash:[0-9a-f]{32}$/);
    expect(fourth?.link).toBeNull();
    const again = ok(await fetchFeed(`${base}/rss`, {}));
    expect(again.items[3]?.id).toBe(fourth?.id);
  });

  it('parses an Atom feed (微博 via RSSHub)', async () => {
    const r = ok(await fetchFeed(`${base}/atom`, {}));
    expect(r.title).toBe('青山发布的微博');
    expect(r.items).toEqual([
      {
        id: 'https://weibo.com/7712345678/PvXk12AbC',
        title: '#青山文旅# 端午游青山，古镇龙舟赛6月1日开赛',
        link: 'https://weibo.com/7712345678/PvXk12AbC',
        publishedAt: new Date('2025-06-09T12:15:00Z'),
      },
      {
        // the rel-less link is the alternate one; no <published> → <updated>
        id: 'tag:weibo.com,2025:PvWq98ZyX',
        title: '【提醒】高考期间考点周边交通管制',
        link: 'https://weibo.com/7712345678/PvWq98ZyX',
        publishedAt: new Date('2025-06-06T07:30:00Z'),
      },
    ]);
  });

  it('parses a JSON Feed', async () => {
    const r = ok(await fetchFeed(`${base}/json`, {}));
    expect(r.title).toBe('青山县人民政府门户网站 · 政务动态');
    expect(r.items).toEqual([
      {
        id: 'https://www.qingshan.gov.cn/zwdt/202506/t20250610_1024.html',
        title: '青山县2025年第一季度政务新媒体检查情况通报',
        link: 'https://www.qingshan.gov.cn/zwdt/202506/t20250610_1024.html',
        publishedAt: new Date('2025-06-10T01:00:00Z'),
      },
      {
        // date_modified as fallback; no zone → Beijing time
        id: 'zwdt-1023',
        title: '县政府召开第18次常务会议',
        link: 'https://www.qingshan.gov.cn/zwdt/202506/t20250608_1023.html',
        publishedAt: new Date('2025-06-08T08:20:00Z'),
      },
      { id: 'zwdt-1022', title: '', link: null, publishedAt: null },
    ]);
  });

  it('decodes a GBK feed, by the Content-Type charset or by the XML declaration', async () => {
    for (const path of ['/gbk-header', '/gbk-prolog']) {
      const r = ok(await fetchFeed(`${base}${path}`, {}));
      expect(r.title).toBe('青山县教育体育局');
      expect(r.items[0]?.title).toBe('关于2025年秋季学期义务教育招生工作的通知');
      expect(r.items[0]?.publishedAt).toEqual(new Date('2025-06-05T02:00:00Z'));
    }
  });

  it('reports a malformed feed, and an HTML page, as malformed', async () => {
    for (const path of ['/malformed', '/html']) {
      const r = await fetchFeed(`${base}${path}`, {});
      expect(r).toMatchObject({ kind: 'error', code: 'malformed' });
    }
  });
});

describe('fetchFeed: conditional GET', () => {
  it('round-trips an ETag: the second request carries If-None-Match and gets not-modified', async () => {
    const first = ok(await fetchFeed(`${base}/etag`, {}));
    expect(first.etag).toBe(ETAG);
    expect(seen['/etag']?.[0]?.['if-none-match']).toBeUndefined();

    const second = await fetchFeed(`${base}/etag`, { etag: first.etag, lastModified: first.lastModified });
    expect(second).toEqual({ kind: 'not-modified' });
    expect(seen['/etag']?.[1]?.['if-none-match']).toBe(ETAG);
    expect(seen['/etag']?.[1]?.['if-modified-since']).toBeUndefined();
  });

  it('round-trips Last-Modified through If-Modified-Since', async () => {
    const first = ok(await fetchFeed(`${base}/last-modified`, {}));
    expect(first.lastModified).toBe(LAST_MODIFIED);

    const second = await fetchFeed(`${base}/last-modified`, { lastModified: first.lastModified });
    expect(second).toEqual({ kind: 'not-modified' });
    expect(seen['/last-modified']?.[1]?.['if-modified-since']).toBe(LAST_MODIFIED);
  });

  it('sends a User-Agent (the configured one when given)', async () => {
    await fetchFeed(`${base}/rss`, {}, { userAgent: 'qingshan-bot/1.0' });
    expect(seen['/rss']?.at(-1)?.['user-agent']).toBe('qingshan-bot/1.0');
  });
});

describe('fetchFeed: failures', () => {
  it('times out when the body stalls after the headers', async () => {
    const { result, ms } = await timed(`${base}/stall-body`, { timeoutMs: 300 });
    expect(result).toEqual({ kind: 'error', code: 'timeout', message: '订阅源超时（0.3秒）' });
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1500);
  });

  it('times out when the server never answers', async () => {
    const { result, ms } = await timed(`${base}/never`, { timeoutMs: 300 });
    expect(result).toMatchObject({ kind: 'error', code: 'timeout' });
    expect(ms).toBeLessThan(1500);
  });

  it('times out even with an injected fetch that ignores the abort signal', async () => {
    const hanging = (() => new Promise<Response>(() => {})) as typeof fetch;
    const { result } = await timed(`${base}/rss`, { timeoutMs: 100, fetch: hanging });
    expect(result).toMatchObject({ kind: 'error', code: 'timeout' });
  });

  it('has a readable default timeout message', async () => {
    const hanging = (() => new Promise<Response>(() => {})) as typeof fetch;
    vi.useFakeTimers();
    try {
      const pending = fetchFeed(`${base}/rss`, {}, { fetch: hanging });
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await pending).toMatchObject({ code: 'timeout', message: '订阅源超时（10秒）' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops reading a chunked body as soon as it passes maxBytes', async () => {
    const { result, ms } = await timed(`${base}/endless`, { maxBytes: 200_000, timeoutMs: 5_000 });
    expect(result).toEqual({ kind: 'error', code: 'too-large', message: '订阅源过大（超过195.3KB）' });
    expect(ms).toBeLessThan(2_000);
  });

  it('rejects a Content-Length above maxBytes without reading the body', async () => {
    const { result, ms } = await timed(`${base}/huge-length`, { timeoutMs: 5_000 });
    expect(result).toEqual({ kind: 'error', code: 'too-large', message: '订阅源过大（超过2MB）' });
    expect(ms).toBeLessThan(1_000);
  });

  it('reports an HTTP error with its status', async () => {
    const r = await fetchFeed(`${base}/500`, {});
    expect(r).toEqual({ kind: 'error', code: 'http', status: 500, message: '订阅源返回错误（HTTP 500）' });
    expect(await fetchFeed(`${base}/nowhere`, {})).toMatchObject({ code: 'http', status: 404 });
  });

  it('passes Retry-After on 429 (seconds) and 503 (HTTP date)', async () => {
    expect(await fetchFeed(`${base}/429`, {})).toMatchObject({ code: 'http', status: 429, retryAfterSeconds: 120 });
    const r = await fetchFeed(`${base}/503-date`, {});
    expect(r).toMatchObject({ code: 'http', status: 503 });
    const after = r.kind === 'error' ? r.retryAfterSeconds : undefined;
    expect(after).toBeGreaterThanOrEqual(85);
    expect(after).toBeLessThanOrEqual(91);
  });

  it('refuses anything but http/https without making a request', async () => {
    const spy = vi.fn<typeof fetch>();
    for (const url of ['ftp://example.com/feed.xml', 'file:///etc/passwd', 'javascript:alert(1)', '青山县公众号', '']) {
      expect(await fetchFeed(url, {}, { fetch: spy })).toMatchObject({ kind: 'error', code: 'bad-url' });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('reports a refused connection as a network error, in words that do not tell a closed port from a refused address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const r = await fetchFeed(`http://127.0.0.1:${port}/rss`, {});
    expect(r).toMatchObject({ kind: 'error', code: 'network' });
    expect(r.kind === 'error' && r.message).toBe(UNREACHABLE);
  });

  it('never throws, even when an injected fetch does', async () => {
    const throwing = (() => {
      throw new Error('boom');
    }) as typeof fetch;
    expect(await fetchFeed(`${base}/rss`, {}, { fetch: throwing })).toMatchObject({ code: 'network' });
  });
});

describe('parseFeedDate', () => {
  it.each([
    ['Mon, 09 Jun 2025 10:30:00 GMT', '2025-06-09T10:30:00.000Z'],
    ['Fri, 06 Jun 2025 18:00:00 +0800', '2025-06-06T10:00:00.000Z'],
    ['6 Jun 25 18:00 EST', '2025-06-06T23:00:00.000Z'],
    ['Friday, 06 June 2025 18:00:05 Z', '2025-06-06T18:00:05.000Z'],
    ['2025-06-10T09:00:00+08:00', '2025-06-10T01:00:00.000Z'],
    ['2025-06-10T01:58:40.123Z', '2025-06-10T01:58:40.123Z'],
    ['2025-06-10 09:00:00', '2025-06-10T01:00:00.000Z'],
    ['2025-06-10', '2025-06-09T16:00:00.000Z'],
  ])('%s', (raw, iso) => {
    expect(parseFeedDate(raw)?.toISOString()).toBe(iso);
  });

  it.each([
    '昨天 18:00',
    '',
    'hello 2020', // Date.parse would accept this one
    'Mon, 31 Feb 2025 10:00:00 GMT',
    '2025-13-01T00:00:00Z',
    '2025-06-10T25:00:00Z',
    'Mon, 09 Jun 2025 10:30:00 XYZ',
  ])('unparseable %j → null', (raw) => {
    expect(parseFeedDate(raw)).toBeNull();
  });
  it('accepts null and undefined', () => {
    expect(parseFeedDate(null)).toBeNull();
    expect(parseFeedDate(undefined)).toBeNull();
  });
});

describe('nextPollAt', () => {
  const now = new Date('2025-06-10T01:00:00Z');
  const minutesAfter = (d: Date) => (d.getTime() - now.getTime()) / 60_000;

  it('polls at the base interval after a success, doubling per consecutive failure, up to the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 100].map((f) => minutesAfter(nextPollAt(now, f)))).toEqual([
      60, 120, 240, 480, 960, 1440, 1440, 1440,
    ]);
  });

  it('honours baseMinutes and maxMinutes', () => {
    expect(minutesAfter(nextPollAt(now, 0, { baseMinutes: 15 }))).toBe(15);
    expect(minutesAfter(nextPollAt(now, 3, { baseMinutes: 15, maxMinutes: 90 }))).toBe(90);
    expect(minutesAfter(nextPollAt(now, 2000, { baseMinutes: 0 }))).toBe(0);
  });

  it('treats Retry-After as a minimum, even above the cap', () => {
    expect(minutesAfter(nextPollAt(now, 0, { retryAfterSeconds: 2 * 3600 }))).toBe(120);
    expect(minutesAfter(nextPollAt(now, 3, { retryAfterSeconds: 60 }))).toBe(480);
    expect(minutesAfter(nextPollAt(now, 10, { retryAfterSeconds: 2 * 24 * 3600 }))).toBe(2880);
  });

  it('is deterministic, with odd inputs treated as no failures', () => {
    expect(nextPollAt(now, 2)).toEqual(nextPollAt(now, 2));
    expect(minutesAfter(nextPollAt(now, -3))).toBe(60);
    expect(minutesAfter(nextPollAt(now, Number.NaN))).toBe(60);
  });

  it('applies a jitter function when given one, still respecting Retry-After', () => {
    expect(minutesAfter(nextPollAt(now, 1, { jitter: (ms) => ms * 1.5 }))).toBe(180);
    expect(minutesAfter(nextPollAt(now, 0, { jitter: () => 0, retryAfterSeconds: 600 }))).toBe(10);
  });
});
