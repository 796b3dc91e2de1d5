/**
 * Feed monitoring against feeds served from 127.0.0.1: a good one, a 304, a malformed one and a slow one. New items
 * become posts once; errors are recorded with back-off, shown in /账号 详情 and, when they persist, to the admins.
 */
import { nodeFeedNet } from '../../src/http/feed-net.js';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FeedDeps, pollDueFeeds, startFeedPoller } from '../../src/jobs/feeds.js';
import { silentLogger } from '../../src/ports/logger.js';
import { queued, sweepAt, to } from '../support/reminders.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

interface Item {
  guid: string;
  title: string;
  date?: string;
}
const rss = (items: readonly Item[]): string =>
  `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>兴国教育</title>${items
    .map(
      (i) =>
        `<item><title>${i.title}</title><guid isPermaLink="false">${i.guid}</guid><link>https://mp.weixin.qq.com/s/${i.guid}</link>${i.date ? `<pubDate>${new Date(i.date).toUTCString()}</pubDate>` : ''}</item>`,
    )
    .join('')}</channel></rss>`;

const goodItems: Item[] = [
  { guid: 'g1', title: '兴国县召开冬季安全生产部署会', date: '2026-11-18T10:00:00+08:00' },
  { guid: 'g3', title: '（无日期的旧文）' },
  { guid: 'g2', title: '教育局开展校园安全检查', date: '2026-11-12T09:00:00+08:00' },
];
const ETAG = '"feed-v1"';
const seen: Record<string, (string | undefined)[]> = {};

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/good': (_req, res) =>
    void res.writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' }).end(rss(goodItems)),
  '/etag': (req, res) => {
    (seen['/etag'] ??= []).push(req.headers['if-none-match']);
    if (req.headers['if-none-match'] === ETAG) return void res.writeHead(304, { ETag: ETAG }).end();
    res.writeHead(200, { 'Content-Type': 'application/rss+xml', ETag: ETAG }).end(rss(goodItems.slice(0, 1)));
  },
  '/malformed': (_req, res) =>
    void res
      .writeHead(200, { 'Content-Type': 'application/xml' })
      .end(readFileSync(new URL('../fixtures/feeds/malformed.rss.xml', import.meta.url))),
  '/slow': () => {}, // never answers
};

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    (routes[path] ?? ((_q, r) => void r.writeHead(404).end('not found')))(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

let bot: TestBot;
afterEach(() => bot?.close());

async function county(feeds: Record<string, string>): Promise<TestBot> {
  const b = makeBot({ now: '2026-09-01T10:00:00+08:00' });
  await seedCounty(b);
  await b.say(ADMIN, '/单位 绑定群 单位=兴国县教育局', { channel: 'feishu', id: 'oc_jy', type: 'group' });
  // the feeds are served from 127.0.0.1: an intranet address only an admin can allow
  expect(await b.say(ADMIN, '/设置 订阅源内网=127.0.0.1')).not.toContain('❌');
  for (const [platform, path] of Object.entries(feeds)) {
    const out = await b.say(
      'feishu:ou_jy_liaison',
      `/备案 开设 平台=${platform} 名称=兴国教育 开设日期=2026-09-01 订阅源=${base}${path}`,
    );
    expect(out).toContain('已备案');
  }
  return b;
}

const deps = (b: TestBot): FeedDeps => ({
  store: b.rt.services.store,
  feeds: b.rt.feeds,
  clock: b.rt.services.clock,
  log: silentLogger,
  net: nodeFeedNet(),
});

function posts(
  b: TestBot,
): { accountId: number; externalId: string; publishedAt: string; source: string; title: string }[] {
  return (
    b.rt.db.sqlite
      .prepare(
        'SELECT account_id AS accountId, external_id AS externalId, published_at AS publishedAt, source, title FROM posts ORDER BY id',
      )
      .all() as {
      accountId: number;
      externalId: string;
      publishedAt: number;
      source: string;
      title: string;
    }[]
  ).map((p) => ({ ...p, publishedAt: new Date(p.publishedAt).toISOString() }));
}

describe('feed monitoring', () => {
  it('a good feed: its items become posts once (re-polling is idempotent), a new item is dated when first seen, and the account is not dormant', async () => {
    bot = await county({ 微信公众号: '/good' });
    bot.setNow('2026-11-20T08:00:00+08:00');
    expect(await pollDueFeeds(deps(bot))).toEqual({ polled: 1, ok: 1, notModified: 0, errors: 0, newPosts: 3 });
    expect(posts(bot)).toEqual([
      {
        accountId: 1,
        externalId: 'g1',
        publishedAt: '2026-11-18T02:00:00.000Z',
        source: 'feed',
        title: '兴国县召开冬季安全生产部署会',
      },
      // undated on the first read: history, dated no later than the oldest dated item
      {
        accountId: 1,
        externalId: 'g3',
        publishedAt: '2026-11-12T01:00:00.000Z',
        source: 'feed',
        title: '（无日期的旧文）',
      },
      {
        accountId: 1,
        externalId: 'g2',
        publishedAt: '2026-11-12T01:00:00.000Z',
        source: 'feed',
        title: '教育局开展校园安全检查',
      },
    ]);
    expect((await pollDueFeeds(deps(bot))).polled).toBe(0); // next read in an hour

    bot.setNow('2026-11-20T09:01:00+08:00');
    expect(await pollDueFeeds(deps(bot))).toMatchObject({ polled: 1, ok: 1, newPosts: 0 });
    goodItems.unshift({ guid: 'g4', title: '今日新发布（无日期）' });
    bot.setNow('2026-11-20T10:02:00+08:00');
    try {
      expect(await pollDueFeeds(deps(bot))).toMatchObject({ newPosts: 1 });
    } finally {
      goodItems.shift();
    }
    expect(posts(bot).at(-1)).toMatchObject({ externalId: 'g4', publishedAt: '2026-11-20T02:02:00.000Z' });

    const r = await sweepAt(bot, '2026-11-20T10:30:00+08:00', { dryRun: true });
    expect(r.found.filter((i) => i.kind === 'dormant' || i.kind === 'idle')).toEqual([]);
    const detail = await bot.say(ADMIN, '/账号 详情 兴国教育');
    expect(detail).toContain('订阅源状态：正常（最近读取 2026-11-20 10:02，下次读取 2026-11-20 11:02）');
    expect(detail).toContain('今日新发布（无日期）');
  });

  it('a 304: the ETag is sent back and an unchanged feed stays healthy without re-reading it', async () => {
    bot = await county({ 抖音: '/etag' });
    bot.setNow('2026-11-20T08:00:00+08:00');
    expect(await pollDueFeeds(deps(bot))).toMatchObject({ ok: 1, newPosts: 1 });
    bot.setNow('2026-11-20T09:00:00+08:00');
    expect(await pollDueFeeds(deps(bot))).toMatchObject({ polled: 1, notModified: 1, errors: 0 });
    expect(seen['/etag']?.slice(-2)).toEqual([undefined, ETAG]);
    const state = await bot.rt.feeds.state(1);
    expect(state).toMatchObject({ etag: ETAG, failures: 0, lastError: null });
    expect(state?.lastOkAt?.toISOString()).toBe('2026-11-20T01:00:00.000Z');
    expect(posts(bot)).toHaveLength(1);
  });

  it('malformed and slow feeds are never fatal: errors are kept with a growing back-off, shown in /账号 详情, and after 3 failures the admins are told', async () => {
    bot = await county({ 微博: '/malformed', 头条号: '/slow', 微信公众号: '/good' });
    let now = new Date('2026-11-20T06:00:00+08:00');
    bot.setNow(now.toISOString());
    const first = await pollDueFeeds(deps(bot), { timeoutMs: 300 });
    expect(first).toMatchObject({ polled: 3, ok: 1, errors: 2 });
    const malformed = await bot.rt.feeds.state(1);
    expect(malformed).toMatchObject({ failures: 1, lastError: '订阅源格式无法解析（不是有效的 RSS/Atom/JSON Feed）' });
    expect(malformed!.nextCheckAt.getTime() - now.getTime()).toBe(120 * 60_000); // 60 min × 2¹
    expect(await bot.rt.feeds.state(2)).toMatchObject({ failures: 1, lastError: '订阅源超时（0.3秒）' });

    for (let i = 0; i < 2; i++) {
      now = (await bot.rt.feeds.state(1))!.nextCheckAt;
      bot.setNow(now.toISOString());
      await pollDueFeeds(deps(bot), { timeoutMs: 300 });
    }
    const third = await bot.rt.feeds.state(1);
    expect(third?.failures).toBe(3);
    expect(third!.nextCheckAt.getTime() - now.getTime()).toBe(480 * 60_000);
    expect(posts(bot).every((p) => p.accountId === 3)).toBe(true);

    const detail = await bot.say(ADMIN, '/账号 详情 兴国教育 平台=微博');
    expect(detail).toMatch(
      /订阅源状态：⚠ 读取失败 3 次：订阅源格式无法解析（不是有效的 RSS\/Atom\/JSON Feed）（从未成功，下次读取 2026-11-2\d \d\d:\d\d）/,
    );

    await sweepAt(bot, '2026-11-23T09:00:00+08:00');
    const admin = to(queued(bot), 'ou_admin')[0]!.text;
    expect(admin).toContain('订阅源读取失败（连续 3 次以上）：2 项');
    expect(admin).toContain('兴国县教育局 · 微博「兴国教育」连续 3 次失败：订阅源格式无法解析');
    expect(admin).toContain('/备案 变更 账号=A1 订阅源=新地址');
    expect(to(queued(bot), 'oc_jy')[0]!.text).not.toContain('连续 3 次失败'); // feed errors are for admins
  });

  it('a changed feed URL starts over at once, without the old validators and failures', async () => {
    bot = await county({ 抖音: '/malformed' });
    bot.setNow('2026-11-20T08:00:00+08:00');
    await pollDueFeeds(deps(bot));
    expect((await bot.rt.feeds.state(1))?.failures).toBe(1);
    expect(await bot.say('feishu:ou_jy_liaison', `/备案 变更 账号=兴国教育 订阅源=${base}/etag`)).toContain('已备案');
    expect(await bot.say(ADMIN, '/账号 详情 兴国教育')).toContain('订阅源状态：尚未读取');
    expect(await pollDueFeeds(deps(bot))).toMatchObject({ polled: 1, ok: 1, errors: 0 });
    expect(await bot.rt.feeds.state(1)).toMatchObject({ url: `${base}/etag`, failures: 0, etag: ETAG });
  });

  it('the poller reads due feeds on its own timer and stops cleanly', async () => {
    bot = await county({ 微信公众号: '/good', 头条号: '/slow' });
    bot.setNow('2026-11-20T08:00:00+08:00');
    const poller = startFeedPoller(bot.rt, { initialDelayMs: 0, intervalMs: 50, timeoutMs: 200, net: nodeFeedNet() });
    for (let i = 0; i < 100 && posts(bot).length < 3; i++) await new Promise((r) => setTimeout(r, 20));
    await poller.stop();
    expect(posts(bot)).toHaveLength(3);
    expect((await bot.rt.feeds.state(2))?.failures).toBe(1);
  });
});
