/**
 * A county whose 2026 fourth quarter is built with the real commands at real moments around the 2026 National Day
 * (holiday 10-01…10-07, make-up working Saturday 10-10), for the quarterly report tests. Hand-computed figures are in
 * test/integration/report.test.ts.
 *
 * 兴国县教育局:
 *   A1 微信公众号「兴国教育」 opened 06-01 (filed in time); two posts a week except the National Day week (one, 10-08);
 *      review requested 09-30 16:00 (deadline 2 working days: 10-09 16:00), approved 10-09 15:00; repost task T1 issued
 *      Fri 10-09 10:00 (1 working day: due Sat 10-10 10:00, the make-up day), confirmed Mon 10-12 09:00: late (a confirmed repost counts as a post);
 *      password confirmed changed 11-01.
 *   A2 微博「兴国教育」 opened 03-01; last post 08-20, nothing in the quarter: dormant.
 *   A3 抖音「兴国教育」 opened 02-01; twice a week, but nothing between 10-30 and 11-14 (15 days): dormant once.
 * 兴国县卫生健康委员会:
 *   B1 微信公众号「健康兴国」 opened Fri 10-09, filed Fri 10-16: due 10-15 (5 working days counting Sat 10-10), late;
 *      two posts a week from 10-13; repost task T2 (issued Mon 11-02 09:00) confirmed the same day.
 *   B2 抖音「健康兴国」 opened 01-10, last post 08-01 (dormant when the quarter began), suspended 11-10 (filed that day);
 *      T2 not confirmed; password never confirmed.
 *   C1 小红书「兴国卫健」 in the register (imported) but never filed; posts twice a week from 09-28.
 */
import { expect } from 'vitest';
import type { Account } from '../../src/domain/model.js';
import { addDays } from '../../src/domain/time.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from './runtime.js';

export const WJ = '兴国县卫生健康委员会';
export const JY = '兴国县教育局';

async function ok(b: TestBot, as: string, line: string, expected: string | RegExp = '已'): Promise<string> {
  const out = await b.say(as === 'admin' ? ADMIN : as, line);
  expect(out, line).toMatch(expected);
  return out;
}

export async function post(b: TestBot, accountId: number, day: string, time = '10:00'): Promise<void> {
  const at = new Date(`${day}T${time}:00+08:00`);
  const store = b.rt.services.store;
  await store.commit(
    store.posts.insert(
      { accountId, publishedAt: at, title: '信息', url: null, source: 'manual', externalId: null },
      null,
      at,
    ),
  );
}

/** Mondays from `from` to `to` inclusive. */
function mondays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 7)) out.push(d);
  return out;
}

export interface County {
  bot: TestBot;
  ids: { A1: number; A2: number; A3: number; B1: number; B2: number; C1: number };
}

const idOf = (out: string): number => {
  const m = /A(\d+)/.exec(out);
  if (!m) throw new Error(`no account id in: ${out}`);
  return Number(m[1]);
};

export async function quarterCounty(): Promise<County> {
  const bot = makeBot({ now: '2026-01-12T10:00:00+08:00' });
  await seedCounty(bot);
  const at = (iso: string): void => bot.setNow(iso);
  const B2 = idOf(
    await ok(bot, 'admin', `/备案 开设 平台=抖音 名称=健康兴国 开设日期=2026-01-10 单位=${WJ}`, '已备案'),
  );
  at('2026-02-02T10:00:00+08:00');
  const A3 = idOf(
    await ok(bot, 'admin', `/备案 开设 平台=抖音 名称=兴国教育 开设日期=2026-02-01 单位=${JY}`, '已备案'),
  );
  at('2026-03-02T10:00:00+08:00');
  const A2 = idOf(
    await ok(bot, 'admin', `/备案 开设 平台=微博 名称=兴国教育 开设日期=2026-03-01 单位=${JY}`, '已备案'),
  );
  at('2026-06-02T10:00:00+08:00');
  const A1 = idOf(
    await ok(bot, 'admin', `/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-06-01 单位=${JY}`, '已备案'),
  );

  // C1: in the register without any filing (as an import of an old register would leave it)
  const store = bot.rt.services.store;
  const C1 = await store.nextId('account');
  const wj = await store.units.byName(WJ);
  const c1: Account = {
    id: C1,
    unitId: wj!.id,
    platform: 'xiaohongshu',
    name: '兴国卫健',
    externalId: null,
    url: null,
    openedOn: '2026-05-01',
    status: 'active',
    operation: 'self',
    operatorName: null,
    operatorKind: null,
    officerId: null,
    feedUrl: null,
    passwordChangedOn: '2026-12-01',
    createdAt: new Date('2026-05-01T10:00:00+08:00'),
  };
  await store.commit(store.accounts.insert(c1, c1.createdAt));

  await post(bot, B2, '2026-08-01');
  await post(bot, A2, '2026-08-20');
  for (const d of ['2026-09-28', '2026-09-30']) await post(bot, A1, d);
  await post(bot, A3, '2026-09-29');
  await post(bot, C1, '2026-09-28');

  // A1's review: requested 09-30 16:00, deadline 2 working days later (10-08, 10-09) at 16:00; approved 10-09 15:00
  at('2026-09-30T16:00:00+08:00');
  const review = await ok(bot, 'feishu:ou_jy_officer', `/送审 账号=A${A1} 标题=国庆假期安全提示`, /R\d+/);
  const rid = /R(\d+)/.exec(review)![1];
  at('2026-10-09T15:00:00+08:00');
  await ok(bot, 'feishu:ou_jy_incharge', `/审批 同意 R${rid}`, '同意');

  // T1: issued Friday 10-09 10:00 to 教育局's 微信公众号 accounts; due the make-up Saturday 10-10 10:00
  at('2026-10-09T10:00:00+08:00');
  const t1 = await ok(
    bot,
    'admin',
    `/转载 下发 标题=国务院关于进一步优化营商环境的通知 链接=https://www.gov.cn/zhengce/content/202610/1.htm 范围=${JY} 平台=微信公众号`,
    /T\d+/,
  );
  const t1id = /T(\d+)/.exec(t1)![1];
  at('2026-10-12T09:00:00+08:00');
  await ok(bot, 'feishu:ou_jy_liaison', `/转载 完成 T${t1id} 账号=A${A1}`, '');

  // B1: opened Friday 10-09, filed Friday 10-16 (due 10-15: the make-up Saturday counts)
  at('2026-10-16T10:00:00+08:00');
  const B1 = idOf(
    await ok(bot, 'admin', `/备案 开设 平台=微信公众号 名称=健康兴国 开设日期=2026-10-09 单位=${WJ}`, '已备案'),
  );

  // A1: the National Day week has one post (10-08); every later week Monday and Thursday (through 12-31)
  await post(bot, A1, '2026-10-08');
  for (const m of mondays('2026-10-12', '2026-12-28')) for (const d of [m, addDays(m, 3)]) await post(bot, A1, d);
  // A3: Monday and Wednesday from 10-05, none after 10-30 until 11-14
  for (const m of mondays('2026-10-05', '2026-12-28')) {
    for (const d of [m, addDays(m, 2)]) if (d <= '2026-10-30' || d >= '2026-11-14') await post(bot, A3, d);
  }
  await post(bot, A3, '2026-10-30');
  await post(bot, A3, '2026-11-14');
  // B1: Tuesday and Thursday from 10-13 to 12-24
  for (const m of mondays('2026-10-12', '2026-12-21'))
    for (const d of [addDays(m, 1), addDays(m, 3)]) await post(bot, B1, d);
  // C1: Monday and Wednesday all quarter
  for (const m of mondays('2026-10-05', '2026-12-28')) for (const d of [m, addDays(m, 2)]) await post(bot, C1, d);

  at('2026-11-01T11:00:00+08:00');
  await ok(bot, 'feishu:ou_jy_liaison', `/改密 A${A1}`, '');

  // T2: issued Monday 11-02 09:00 to 卫健委 (B1, B2, C1), due 11-03 09:00; B1 confirms the same afternoon
  at('2026-11-02T09:00:00+08:00');
  const t2 = await ok(
    bot,
    'admin',
    `/转载 下发 标题=省政府关于做好冬季安全生产工作的通知 链接=https://www.jiangxi.gov.cn/art/2026/11/2/1.html 范围=${WJ}`,
    /T\d+/,
  );
  const t2id = /T(\d+)/.exec(t2)![1];
  at('2026-11-02T15:00:00+08:00');
  await ok(bot, 'feishu:ou_wj_liaison', `/转载 完成 T${t2id} 账号=A${B1}`, '');

  // B2 suspended 11-10, filed the same day
  at('2026-11-10T10:00:00+08:00');
  await ok(
    bot,
    'feishu:ou_wj_liaison',
    `/备案 关停 账号=A${B2} 原因=长期无力运维，整合至微信公众号 日期=2026-11-10`,
    '已',
  );

  return { bot, ids: { A1, A2, A3, B1, B2, C1 } };
}
