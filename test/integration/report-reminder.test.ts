/**
 * 神木 第二十一条 (每季度检查并通报结果): on the first working day of a quarter — 2026-10-08, after the National Day
 * holiday (10-01…10-07) — the admins' morning summary carries the previous quarter's draft and the command to issue
 * it, once (key report:2026Q3); not on other days, and not once the quarter was issued.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';
import { queued, sweepAt, to } from '../support/reminders.js';

let bot: TestBot;
afterEach(() => bot?.close());

async function county(): Promise<TestBot> {
  const b = makeBot({ now: '2026-06-02T10:00:00+08:00' });
  await seedCounty(b);
  expect(
    await b.say(ADMIN, '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-06-01 单位=兴国县教育局'),
  ).toContain('已备案');
  return b;
}

describe('the quarterly draft in the daily sweep', () => {
  it('goes to the admins on 2026-10-08 (the first working day of 2026Q4), once; nothing on 10-09 or during the holiday', async () => {
    bot = await county();
    const holiday = await sweepAt(bot, '2026-10-06T09:00:00+08:00');
    expect(holiday.found.filter((i) => i.kind === 'report')).toEqual([]);

    const r = await sweepAt(bot, '2026-10-08T09:00:00+08:00');
    const item = r.fresh.find((i) => i.kind === 'report');
    expect(item).toMatchObject({ key: 'report:2026Q3', period: '2026Q3', unitId: null });
    const admin = to(queued(bot), 'ou_admin').at(-1);
    expect(admin!.text).toContain('季度通报（神木 第二十一条：每季度检查并通报结果）');
    expect(admin!.text).toContain('2026年第三季度通报草稿已生成：检查 1 个账号，不合格 1 个（合格率 0%）');
    expect(admin!.text).toContain('核对无误后发布：/通报 发布 2026Q3');

    const again = await sweepAt(bot, '2026-10-08T09:30:00+08:00');
    expect(again.fresh.filter((i) => i.kind === 'report')).toEqual([]);
    expect((await sweepAt(bot, '2026-10-09T09:00:00+08:00')).found.filter((i) => i.kind === 'report')).toEqual([]);
  });

  it('is not sent for a quarter already issued', async () => {
    bot = await county();
    bot.setNow('2026-10-07T15:00:00+08:00');
    expect(await bot.say(ADMIN, '/通报 发布 2026Q3')).toContain('已发布2026年第三季度通报');
    const r = await sweepAt(bot, '2026-10-08T09:00:00+08:00');
    expect(r.found.filter((i) => i.kind === 'report')).toEqual([]);
  });
});
