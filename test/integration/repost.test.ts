import { nodeFeedNet } from '../../src/http/feed-net.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { normalizeTitle, titleMatches } from '../../src/domain/repost.js';
import { pollDueFeeds } from '../../src/jobs/feeds.js';
import { silentLogger } from '../../src/ports/logger.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

const JY = 'feishu:ou_jy_liaison';
const JY_OFFICER = 'feishu:ou_jy_officer';
const WJ = 'feishu:ou_wj_liaison';
const TITLE = '国务院办公厅关于进一步优化政务服务提升行政效能的意见';

let feedItems: { guid: string; title: string; date: string }[] = [];
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    const items = feedItems
      .map(
        (i) =>
          `<item><title>${i.title}</title><guid>${i.guid}</guid><link>https://mp.weixin.qq.com/s/${i.guid}</link><pubDate>${new Date(i.date).toUTCString()}</pubDate></item>`,
      )
      .join('');
    res
      .writeHead(200, { 'Content-Type': 'application/rss+xml; charset=utf-8' })
      .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>${items}</channel></rss>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

let bot: TestBot;
beforeEach(async () => {
  bot = makeBot({ now: '2026-09-30T15:00:00+08:00' });
  await seedCounty(bot);
  await bot.say(JY, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-09-01');
  await bot.say(JY, `/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-09-01 订阅源=${base}/feed`);
  await bot.say(WJ, '/备案 开设 平台=微信公众号 名称=健康兴国 开设日期=2026-09-01');
});
afterEach(() => bot.close());

describe('repost tasks (转载)', () => {
  it('兴国 三(四): the default deadline is one working day later at the same time — across National Day, 10-08', async () => {
    const out = await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/zhengce/content/1.htm`);
    expect(out).toContain('已下发转载任务 T1');
    expect(out).toContain('截止：2026-10-08 15:00（1 个工作日，兴国 三(四)）');
    expect(out).toContain('2 个单位，3 个账号');
    const task = await bot.rt.services.store.reposts.byId(1);
    expect(task?.deadlineAt.toISOString()).toBe('2026-10-08T07:00:00.000Z');
  });

  it('scope by units and platforms snapshots the matching active accounts', async () => {
    await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/1.htm 范围=兴国县教育局 平台=微博`);
    expect((await bot.rt.services.store.reposts.targets(1)).map((t) => t.accountId)).toEqual([2]);
    expect(await bot.say(ADMIN, '/转载 下发 标题=x 链接=https://www.gov.cn/1.htm 范围=不存在的单位')).toContain(
      '没有名为「不存在的单位」的单位',
    );
    expect(await bot.say(ADMIN, '/转载 下发 标题=x 链接=https://www.gov.cn/1.htm 平台=抖音')).toContain(
      '范围内没有正常状态的账号',
    );
  });

  it('神木 第十三条: a link off the allow-list of official sources is warned about at issue time; a non-http link is refused', async () => {
    expect(await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/1.htm`)).not.toContain('不在白名单');
    expect(await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://news.example.com/1.htm`)).toContain(
      '神木 第十三条',
    );
    expect(await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=javascript:alert(1)`)).toContain(
      '须是 http:// 或 https://',
    );
    expect(await bot.say(JY, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/1.htm`)).toContain('仅限');
  });

  it('confirming several accounts at once records each as a post, marks late ones, and closes the task when every target is done', async () => {
    await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/1.htm`);
    bot.setNow('2026-10-08T16:00:00+08:00');
    const out = await bot.say(JY_OFFICER, '/转载 完成 T1 账号=A1,A2 链接=https://mp.weixin.qq.com/s/r1');
    expect(out).toContain('2/3');
    expect(out).toContain('（逾期）');
    expect((await bot.rt.services.store.posts.recent(1, 1))[0]).toMatchObject({ source: 'repost', title: TITLE });
    expect(await bot.say(JY, '/转载 完成 T1 账号=A1')).toContain('已于 2026-10-08 16:00 确认过');
    expect(await bot.say(JY, '/转载 完成 T1 账号=A3')).toContain('没有相应角色');
    expect(await bot.say(WJ, '/转载 完成 T1 账号=健康兴国')).toContain('全部完成，任务已关闭');
    expect((await bot.rt.services.store.reposts.byId(1))?.status).toBe('closed');
    const progress = await bot.say(ADMIN, '/转载 进度 T1');
    expect(progress).toContain('3/3');
    expect(progress).toContain('已关闭');
  });

  it('an admin can close a task early; a closed task takes no confirmations', async () => {
    await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/1.htm`);
    expect(await bot.say(ADMIN, '/转载 关闭 T1')).toContain('已关闭 T1（完成 0/3');
    expect(await bot.say(JY, '/转载 完成 T1 账号=A1')).toContain('已关闭');
    expect(await bot.say(ADMIN, '/转载 关闭 T1')).toContain('已关闭');
  });

  it("a liaison sees only their unit's part of the progress and of the list", async () => {
    await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/1.htm`);
    const mine = await bot.say(WJ, '/转载 进度 T1');
    expect(mine).toContain('健康兴国');
    expect(mine).not.toContain('兴国教育');
    expect(mine).toContain('全县 0/3');
    expect(await bot.say(WJ, '/转载')).toContain('完成 0/1');
  });

  it("a new feed item whose title matches the task (normalized, with a source prefix) counts as that account's repost", async () => {
    await bot.say(ADMIN, `/转载 下发 标题=${TITLE} 链接=https://www.gov.cn/1.htm`);
    feedItems = [
      { guid: 'old', title: '兴国县召开秋季森林防火会议', date: '2026-09-29T10:00:00+08:00' },
      { guid: 'r1', title: `【转载】${TITLE.replace('关于', ' 关于 ')}！`, date: '2026-10-01T09:00:00+08:00' },
    ];
    bot.setNow('2026-10-01T10:00:00+08:00');
    await pollDueFeeds(
      {
        store: bot.rt.services.store,
        feeds: bot.rt.feeds,
        clock: bot.rt.services.clock,
        log: silentLogger,
        net: nodeFeedNet(),
      },
      { privateHosts: ['127.0.0.1'] },
    ); // the feed is served from 127.0.0.1, allowed as an intranet host
    const targets = await bot.rt.services.store.reposts.targets(1);
    expect(targets.find((t) => t.accountId === 2)).toMatchObject({
      via: 'feed',
      late: false,
      link: 'https://mp.weixin.qq.com/s/r1',
    });
    expect(targets.filter((t) => t.doneAt).length).toBe(1);
    expect(await bot.say(ADMIN, '/转载 进度 T1')).toContain('（订阅源）');
  });
});

describe('title matching for feed reposts', () => {
  it('normalizes punctuation, spaces, full-width characters and repost marks', () => {
    expect(normalizeTitle('【转载】国务院关于 优化营商环境的意见！')).toBe('国务院关于优化营商环境的意见');
    expect(titleMatches('国务院关于优化营商环境的意见', '转发：国务院关于优化营商环境的意见（全文）')).toBe(true);
    expect(titleMatches('国务院关于优化营商环境的意见', '兴国县召开营商环境推进会')).toBe(false);
    expect(titleMatches('通知', '关于放假的通知')).toBe(false); // too short to match by containment
    expect(titleMatches('', '')).toBe(false);
  });
});
