/**
 * The quarterly report (神木 第二十一条: 每季度检查并通报结果) over a real SQLite register built with the real commands
 * around the 2026 National Day (make-up Saturday 2026-10-10). Scores below are computed by hand from the rules in
 * src/domain/report.ts with the default weights 更新30 备案15 审核20 转载15 改密10 清理10.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeQuarter } from '../../src/ports/report.js';
import { parseQuarter, type Report } from '../../src/domain/report.js';
import { ADMIN } from '../support/runtime.js';
import { type County, JY, post, quarterCounty, WJ } from '../support/report-county.js';

let county: County;
let report: Report;
const Q4 = parseQuarter('2026Q4')!;

beforeAll(async () => {
  county = await quarterCounty();
  const s = county.bot.rt.services;
  report = await computeQuarter(
    { store: s.store, report: s.report!, baseCalendar: s.baseCalendar },
    Q4,
    new Date('2027-01-04T10:00:00+08:00'),
  );
});
afterAll(() => county?.bot.close());

const acc = (id: number) => {
  const a = report.accounts.find((x) => x.accountId === id);
  if (!a) throw new Error(`A${id} not in the report`);
  return a;
};

describe('scores computed by hand for a quarter around the 2026 National Day', () => {
  it('A1: 11 of 12 whole weeks with two posts (the National Day week has one), review on time, T1 late (due the make-up Saturday 10-10), password fine → 76.7', () => {
    const a = acc(county.ids.A1);
    expect(a.vetoes).toEqual([]);
    expect(a.indicators.weekly).toEqual({ value: 11 / 12, detail: '11/12 周达标' });
    expect(a.indicators.filing.value).toBeNull(); // opened in June: nothing filed this quarter
    expect(a.indicators.review).toEqual({ value: 1, detail: '1 项，超期 0 项' });
    expect(a.indicators.repost).toEqual({ value: 0, detail: '1 项，超期 1 项' });
    const due = county.bot.rt.db.sqlite
      .prepare('SELECT deadline_at AS d FROM repost_tasks ORDER BY id LIMIT 1')
      .get() as { d: number };
    expect(new Date(due.d).toISOString()).toBe('2026-10-10T02:00:00.000Z'); // Saturday 10-10 10:00, the make-up working day
    expect(a.indicators.password).toEqual({ value: 1, detail: '距上次改密 60 天' });
    expect(a.indicators.cleanup.value).toBeNull();
    // 100 × (30 × 11/12 + 20 × 1 + 15 × 0 + 10 × 1) / (30 + 20 + 15 + 10) = 100 × 57.5 / 75
    expect(a.score).toBe(76.7);
    expect(a.maxIdleDays).toBe(8); // 09-30 → 10-08, across the holiday
  });

  it('B1: opened Friday 10-09 and filed 10-16, one day late because the make-up Saturday counts (神木 第六条) → 78.6', async () => {
    const a = acc(county.ids.B1);
    const [filing] = await county.bot.rt.services.store.filings.ofAccount(county.ids.B1);
    expect(filing).toMatchObject({ eventDate: '2026-10-09', dueDate: '2026-10-15', late: true });
    expect(a.from).toBe('2026-10-09');
    expect(a.indicators.weekly).toEqual({ value: 1, detail: '11/11 周达标' });
    expect(a.indicators.filing).toEqual({ value: 0, detail: '1 项，超期 1 项' });
    expect(a.indicators.repost).toEqual({ value: 1, detail: '1 项，超期 0 项' });
    expect(a.indicators.password).toEqual({ value: 1, detail: '距上次改密 83 天' }); // counted from the opening
    // 100 × (30 + 15 × 0 + 15 + 10) / (30 + 15 + 15 + 10) = 100 × 55 / 70
    expect(a.score).toBe(78.6);
  });

  it('B2: dormant when the quarter began and suspended 11-10 (浙江 二(一)): no veto, cleanup credited → 31.3', () => {
    const a = acc(county.ids.B2);
    expect(a.closedInQuarter).toBe(true);
    expect(a.to).toBe('2026-11-10');
    expect(a.vetoes).toEqual([]);
    expect(a.indicators.weekly).toEqual({ value: 0, detail: '0/5 周达标' }); // weeks 10-05 … 11-02
    expect(a.indicators.filing).toEqual({ value: 1, detail: '1 项，超期 0 项' });
    expect(a.indicators.repost).toEqual({ value: 0, detail: '1 项，超期 1 项' });
    expect(a.indicators.password).toEqual({ value: 0, detail: '距上次改密 304 天' });
    expect(a.indicators.cleanup.value).toBe(1);
    // 100 × (0 + 15 + 0 + 0 + 10) / (30 + 15 + 15 + 10 + 10) = 100 × 25 / 80
    expect(a.score).toBe(31.3);
  });

  it('single veto (国办秘函〔2019〕19号): A2 with no post all quarter, A3 idle 15 days once, C1 never filed (神木 第六条)', () => {
    expect(acc(county.ids.A2).vetoes).toEqual([{ kind: 'dormant', text: '截至 2026-12-31 已 133 天未更新' }]);
    expect(acc(county.ids.A2).indicators.cleanup).toMatchObject({ value: 0 });
    expect(acc(county.ids.A3).vetoes).toEqual([{ kind: 'dormant', text: '本季曾连续 15 天未更新' }]);
    expect(acc(county.ids.C1).vetoes).toEqual([{ kind: 'unfiled', text: '开设后未备案' }]);
    for (const id of [county.ids.A2, county.ids.A3, county.ids.C1])
      expect(acc(id)).toMatchObject({ score: 0, passed: false });
  });

  it('units: the mean of their accounts (卫健委 (78.6 + 31.3 + 0) / 3 = 36.6; 教育局 (76.7 + 0 + 0) / 3 = 25.6); overall 6 checked, 3 failed', () => {
    expect(report.units.map((u) => [u.rank, u.unitName, u.score, u.accounts, u.failed])).toEqual([
      [1, WJ, 36.6, 3, 1],
      [2, JY, 25.6, 3, 2],
    ]);
    expect(report.overall).toMatchObject({
      accounts: 6,
      failed: 3,
      passRate: 0.5,
      meanScore: 31.1,
      closed: 1,
      units: 2,
    });
    const jy = report.units.find((u) => u.unitName === JY)!;
    expect(jy.actions[0]).toContain('微博「兴国教育」（截至 2026-12-31 已 133 天未更新）');
    expect(jy.actions.join('\n')).toContain('转载不及时');
    // 10 working days after 2027-01-04; 2027 is not in the holiday data yet, so Monday–Friday and said so
    expect(report.rectifyBy).toBe('2027-01-18');
    expect(report.calendarNote).toContain('2027');
  });

  it('the dormant trend: A2 and B2 at the first Sunday, A2 alone after B2 was suspended; A3 only on 11-13, between Sundays', () => {
    const at = (day: string) => report.trend.find((t) => t.day === day)?.dormant;
    expect(at('2026-10-04')).toBe(2);
    expect(at('2026-11-08')).toBe(2);
    expect(at('2026-11-15')).toBe(1);
    expect(at('2026-12-31')).toBe(1);
    expect(report.trend).toHaveLength(14); // 13 Sundays 10-04 … 12-27, and 12-31
  });
});

describe('/通报 in chat', () => {
  it('an admin sees the county card; a unit liaison only the unit page; bad input is refused', async () => {
    const { bot } = county;
    bot.setNow('2027-01-04T10:00:00+08:00');
    const card = await bot.say(ADMIN, '/通报 2026Q4');
    expect(card).toContain('2026年第四季度政务新媒体检查通报（草稿）');
    expect(card).toContain('不合格：3 个，合格率 50%');
    expect(card).toContain(`1 | ${WJ} | 36.6 | 3 | 1`);
    expect(card).toContain(`${JY} · 微博「兴国教育」：截至 2026-12-31 已 133 天未更新`);
    expect(card).toContain(`${WJ} · 小红书「兴国卫健」：开设后未备案`);
    expect(card).toContain('/通报 发布 2026Q4');

    const page = await bot.say('feishu:ou_wj_liaison', '/通报 2026Q4');
    expect(page).toContain(`· ${WJ}`);
    expect(page).toContain('36.6（第 1 名，共 2 个单位）');
    expect(page).not.toContain('兴国教育');
    // a unit's people cannot issue the report: their page does not tell them to
    expect(page).not.toContain('/通报 发布');
    expect(await bot.say('feishu:ou_wj_liaison', `/通报 2026Q4 单位=${JY}`)).not.toContain('76.7');

    // a quarter with no account in the register: no pass rate or mean score to speak of
    const empty = await bot.say(ADMIN, '/通报 2025Q1');
    expect(empty).toContain('本季没有在册的账号');
    expect(empty).not.toContain('合格率');
    expect(await bot.say(ADMIN, '/通报 2026Q5')).toContain('季度「2026Q5」写法不对');
    expect(await bot.say(ADMIN, '/通报 2027Q2')).toContain('尚未开始');
    expect(await bot.say('feishu:ou_wj_liaison', '/通报 发布 2026Q4')).not.toContain('已发布');
  });

  it('issuing is refused before the quarter ends; once issued, the figures stay although the register and settings change', async () => {
    const { bot, ids } = county;
    bot.setNow('2026-12-20T10:00:00+08:00');
    expect(await bot.say(ADMIN, '/通报 发布 2026Q4')).toContain('到 2026-12-31 才结束');

    bot.setNow('2027-01-04T10:00:00+08:00');
    const issued = await bot.say(ADMIN, '/通报 发布 2026Q4');
    expect(issued).toContain('已发布2026年第四季度通报');
    expect(issued).toContain('不合格：3 个，合格率 50%');
    const shown = await bot.say(ADMIN, '/通报 2026Q4');

    // the register changes: A2's posts recorded late, 僵尸天数 raised to 30
    for (const d of ['2026-09-20', '2026-10-05', '2026-10-20', '2026-11-05', '2026-11-20', '2026-12-05', '2026-12-20'])
      await post(bot, ids.A2, d);
    expect(await bot.say(ADMIN, '/设置 僵尸天数=30')).toContain('已修改');
    bot.setNow('2027-02-01T10:00:00+08:00');
    const later = await bot.say(ADMIN, '/通报 2026Q4');
    expect(later).toBe(shown);
    expect(later).toContain('已于 2027-01-04 发布');
    expect(later).toContain('截至 2026-12-31 已 133 天未更新');

    // a draft computed now would differ: the snapshot is what kept the figures
    const s = bot.rt.services;
    const fresh = await computeQuarter(
      { store: s.store, report: s.report!, baseCalendar: s.baseCalendar },
      Q4,
      bot.rt.services.clock.now(),
    );
    expect(fresh.accounts.find((a) => a.accountId === ids.A2)!.vetoes).toEqual([]);

    expect(await bot.say(ADMIN, '/通报 发布 2026Q4')).toContain('已于 2027-01-04 10:00 发布');
  });
});
