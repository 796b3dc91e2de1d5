/**
 * SSRF through feed URLs. A liaison files the feed URL and the poller fetches it, so by default only public addresses
 * are fetched; an intranet host (a self-hosted RSSHub) only when an admin lists it with /设置 订阅源内网=…. The check is
 * made after DNS resolution, the connection goes to the checked address, and every redirect (at most 3) is checked the
 * same way. All servers here listen on 127.0.0.1; names are resolved by an injected resolver, never by real DNS.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchFeed as fetchAny, UNREACHABLE } from '../../src/jobs/feed-fetch.js';
import {
  checkFeedTarget,
  isPublicAddress,
  nodeFeedNet,
  type Resolver,
  systemResolver,
} from '../../src/http/feed-net.js';

/** fetchFeed over the Node network port, with an injectable resolver */
const fetchFeed = (
  url: string,
  state: Parameters<typeof fetchAny>[1],
  o: Parameters<typeof fetchAny>[2] & { resolve?: Resolver } = {},
) => fetchAny(url, state, { ...o, net: nodeFeedNet(o.resolve ?? systemResolver) });
import { type FeedDeps, pollDueFeeds } from '../../src/jobs/feeds.js';
import { maskUrl } from '../../src/domain/url-mask.js';
import { silentLogger } from '../../src/ports/logger.js';
import { ADMIN, makeBot, seedCounty } from '../support/runtime.js';

const RSS =
  '<?xml version="1.0"?><rss version="2.0"><channel><title>内网</title><item><title>机密</title><guid>s1</guid></item></channel></rss>';

interface Srv {
  server: Server;
  port: number;
  hits: string[];
}
async function serve(handler: (path: string, res: import('node:http').ServerResponse) => void): Promise<Srv> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req.url ?? '/', res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

let secret: Srv; // an "internal service" holding something
let hop: Srv; // redirects
beforeAll(async () => {
  secret = await serve((_p, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS));
  hop = await serve((p, res) => {
    const u = new URL(p, 'http://x');
    const n = Number(u.searchParams.get('n') ?? 0);
    const to = u.searchParams.get('to');
    if (n > 0)
      return void res.writeHead(302, { location: `/r?n=${n - 1}${to ? `&to=${encodeURIComponent(to)}` : ''}` }).end();
    if (to) return void res.writeHead(302, { location: to }).end();
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
  });
});
afterAll(async () => {
  for (const s of [secret, hop]) {
    s.server.closeAllConnections();
    await new Promise((r) => s.server.close(r));
  }
});

/** A resolver that knows a few names, counting lookups. */
function resolver(map: Record<string, string[]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const f = (async (host: string) => {
    calls.push(host);
    const a = map[host];
    if (!a) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return a.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  }) as Resolver & { calls: string[] };
  f.calls = calls;
  return f;
}

describe('address policy', () => {
  it('classifies loopback, private, link-local, mapped and special ranges as not public', () => {
    for (const ip of [
      '127.0.0.1',
      '0.0.0.0',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '224.0.0.1',
    ]) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
    for (const ip of ['8.8.8.8', '223.5.5.5', '2400:3200::1']) expect(isPublicAddress(ip), ip).toBe(true);
  });

  it('refuses a loopback or private target by default without connecting, in every spelling', async () => {
    const before = secret.hits.length;
    const p = secret.port;
    for (const url of [
      `http://127.0.0.1:${p}/`,
      `http://0.0.0.0:${p}/`,
      `http://[::1]:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://2130706433:${p}/`,
      `http://0x7f.1:${p}/`,
      `http://127.1:${p}/`,
    ]) {
      const r = await fetchFeed(url, {}, { timeoutMs: 2_000 });
      expect(r, url).toEqual({ kind: 'error', code: 'blocked', message: UNREACHABLE });
    }
    const named = await fetchFeed(`http://localhost:${p}/`, {}, { resolve: resolver({ localhost: ['127.0.0.1'] }) });
    expect(named).toMatchObject({ code: 'blocked' });
    expect(secret.hits.length).toBe(before);
  });

  it('fetches a private address only when an admin listed it, by address, by range or by name', async () => {
    const url = `http://127.0.0.1:${secret.port}/feed`;
    expect(await fetchFeed(url, {}, { privateHosts: ['127.0.0.1'] })).toMatchObject({ kind: 'ok' });
    expect(await fetchFeed(url, {}, { privateHosts: ['127.0.0.0/8'] })).toMatchObject({ kind: 'ok' });
    expect(await fetchFeed(url, {}, { privateHosts: ['10.1.2.3'] })).toMatchObject({ code: 'blocked' });
    const dns = resolver({ 'rsshub.gov.test': ['127.0.0.1'] });
    const byName = `http://rsshub.gov.test:${secret.port}/feed`;
    expect(await fetchFeed(byName, {}, { resolve: dns })).toMatchObject({ code: 'blocked' });
    expect(await fetchFeed(byName, {}, { resolve: dns, privateHosts: ['rsshub.gov.test'] })).toMatchObject({
      kind: 'ok',
    });
  });

  it('checks after DNS resolution: a public-looking name that resolves to a private address is refused, and so is a mixed answer', async () => {
    const before = secret.hits.length;
    const dns = resolver({ 'feeds.example.test': ['127.0.0.1'], 'mixed.example.test': ['8.8.8.8', '127.0.0.1'] });
    expect(await fetchFeed(`http://feeds.example.test:${secret.port}/`, {}, { resolve: dns })).toMatchObject({
      code: 'blocked',
      message: UNREACHABLE,
    });
    expect(await checkFeedTarget(new URL('http://mixed.example.test/'), [], dns)).toEqual({
      ok: false,
      reason: 'blocked',
    });
    expect(secret.hits.length).toBe(before);
  });

  it('connects to the address that was checked (no second lookup a rebinding DNS could answer differently)', async () => {
    let n = 0;
    // first answer 127.0.0.1 (listed by name), any later answer 127.0.0.2, where nothing listens
    const rebinding: Resolver = async () => [{ address: n++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }];
    const r = await fetchFeed(
      `http://rebind.test:${secret.port}/`,
      {},
      { resolve: rebinding, privateHosts: ['rebind.test'] },
    );
    expect(r).toMatchObject({ kind: 'ok' });
    expect(n).toBe(1);
  });

  it('checks every redirect with the same rules and follows at most 3', async () => {
    const dns = resolver({ 'rsshub.gov.test': ['127.0.0.1'] });
    const allowed = { resolve: dns, privateHosts: ['rsshub.gov.test'] };
    const base = `http://rsshub.gov.test:${hop.port}`;
    expect(await fetchFeed(`${base}/r?n=3`, {}, allowed)).toMatchObject({ kind: 'ok' });
    expect(await fetchFeed(`${base}/r?n=4`, {}, allowed)).toMatchObject({ kind: 'error', code: 'redirects' });
    // a listed host redirecting to an address that is not listed
    const before = secret.hits.length;
    const to = encodeURIComponent(`http://127.0.0.1:${secret.port}/internal`);
    expect(await fetchFeed(`${base}/r?n=1&to=${to}`, {}, allowed)).toMatchObject({ code: 'blocked' });
    expect(await fetchFeed(`${base}/r?to=${encodeURIComponent('file:///etc/passwd')}`, {}, allowed)).toMatchObject({
      code: 'bad-url',
    });
    expect(secret.hits.length).toBe(before);
  });

  it('a closed port and a refused address read the same', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const a = await fetchFeed(`http://127.0.0.1:${port}/`, {}, { privateHosts: ['127.0.0.1'] });
    const b = await fetchFeed(`http://127.0.0.1:${port}/`, {});
    expect(a.kind === 'error' && a.message).toBe(UNREACHABLE);
    expect(b.kind === 'error' && b.message).toBe(UNREACHABLE);
  });
});

describe('through the chat and the poller', () => {
  it('a liaison files an intranet feed: nothing is fetched until an admin allows the host with /设置 订阅源内网', async () => {
    const b = makeBot({ now: '2026-11-20T08:00:00+08:00' });
    await seedCounty(b);
    await b.say(ADMIN, '/单位 绑定群 单位=兴国县教育局', { channel: 'feishu', id: 'oc_jy', type: 'group' });
    const url = `http://127.0.0.1:${secret.port}/rss?token=s3cr3t-value`;
    expect(
      await b.say('feishu:ou_jy_liaison', `/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-01 订阅源=${url}`),
    ).toContain('已备案');
    const deps: FeedDeps = {
      store: b.rt.services.store,
      feeds: b.rt.feeds,
      clock: b.rt.services.clock,
      log: silentLogger,
      net: nodeFeedNet(),
    };
    const before = secret.hits.length;
    expect(await pollDueFeeds(deps)).toMatchObject({ polled: 1, errors: 1, newPosts: 0 });
    expect(secret.hits.length).toBe(before);
    const detail = await b.say(ADMIN, '/账号 详情 兴国教育');
    expect(detail).toContain(UNREACHABLE);
    expect(detail).not.toContain('s3cr3t-value');
    expect(detail).toContain('token=***');

    expect(await b.say('feishu:ou_jy_liaison', '/设置 订阅源内网=127.0.0.1')).toMatch(/权限|管理员/);
    expect(await b.say(ADMIN, '/设置 订阅源内网=http://x/')).toContain('订阅源内网须是主机名、IP 地址或网段');
    const set = await b.say(ADMIN, '/设置 订阅源内网=rsshub.gov.local,10.1.2.3,127.0.0.1');
    expect(set).toContain('rsshub.gov.local,10.1.2.3,127.0.0.1');
    b.setNow('2026-11-20T12:00:00+08:00');
    expect(await pollDueFeeds(deps)).toMatchObject({ polled: 1, ok: 1, newPosts: 1 });
    expect(secret.hits.length).toBe(before + 1);
    expect(await b.say(ADMIN, '/设置 订阅源内网=无')).not.toContain('❌');
    b.rt.close();
  });

  it('credentials and secret query parameters are masked where a feed URL is shown', () => {
    expect(maskUrl('https://user:pw@rsshub.example/weibo/1?key=abc&limit=5')).toBe(
      'https://***@rsshub.example/weibo/1?key=***&limit=5',
    );
    expect(maskUrl('http://10.1.2.3/x?access_token=t&token=u')).toBe('http://10.1.2.3/x?access_token=***&token=***');
    expect(maskUrl('http://plain.example/feed')).toBe('http://plain.example/feed');
  });
});
