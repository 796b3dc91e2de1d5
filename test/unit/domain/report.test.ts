/**
 * The report's arithmetic (src/domain/report.ts) on hand-made facts: the two-week single veto (国办秘函〔2019〕19号;
 * 兴国 六) at its boundary, the unfiled veto (神木 第六条), weights from /设置 通报权重, quarters and ranking.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, findSetting, type Policy } from '../../../src/domain/policy.js';
import {
  type AccountFacts,
  computeReport,
  dayNumber,
  parseQuarter,
  previousQuarter,
  quarterName,
  wholeWeeks,
} from '../../../src/domain/report.js';

const Q4 = parseQuarter('2026Q4')!;

function facts(over: Partial<AccountFacts>): AccountFacts {
  return {
    accountId: 1,
    unitId: 1,
    name: '兴国教育',
    platform: 'wechat_mp',
    openedOn: '2026-01-01',
    closedOn: null,
    lastPostBefore: '2026-09-30',
    posts: 30,
    firstPost: '2026-10-01',
    lastPost: '2026-12-31',
    maxGap: 4,
    longGaps: [],
    weeksMet: wholeWeeks('2026-10-01', '2026-12-31'),
    openFiled: true,
    filings: { total: 0, late: 0 },
    reviews: { total: 0, late: 0 },
    reposts: { total: 0, late: 0 },
    passwordSince: '2026-12-01',
    ...over,
  };
}

function run(
  fs: AccountFacts[],
  policy: Policy = DEFAULT_POLICY,
  units = new Map([
    [1, '兴国县教育局'],
    [2, '兴国县卫生健康委员会'],
  ]),
) {
  return computeReport({
    quarter: Q4,
    to: Q4.end,
    computedAt: new Date('2027-01-04T02:00:00Z'),
    policy,
    weights: policy.reportWeights,
    facts: fs,
    unitNames: units,
    rectifyBy: '2027-01-18',
    issuer: '兴国县人民政府办公室',
  });
}

describe('quarters', () => {
  it('reads 2026Q4, 2026q4, 2026年第四季度; refuses 2026Q5; knows its days', () => {
    expect(parseQuarter('2026q4')).toEqual(Q4);
    expect(parseQuarter('2026年第四季度')).toEqual(Q4);
    expect(parseQuarter('2026年4季度')).toEqual(Q4);
    expect(parseQuarter('2026Q5')).toBeNull();
    expect(Q4).toMatchObject({ start: '2026-10-01', end: '2026-12-31' });
    expect(parseQuarter('2024Q1')!.end).toBe('2024-03-31');
    expect(previousQuarter(parseQuarter('2027Q1')!).label).toBe('2026Q4');
    expect(quarterName('2026Q3')).toBe('2026年第三季度');
    // whole weeks in 2026Q4: Mondays 10-05 … 12-21 (12 weeks; 12-28 runs into January)
    expect(wholeWeeks(Q4.start, Q4.end)).toHaveLength(12);
  });
});

describe('day numbers', () => {
  it('agree with the calendar for every day from 1999 to 2101 (leap years, 2000 and 2100 included)', () => {
    for (let t = Date.UTC(1999, 0, 1); t <= Date.UTC(2101, 11, 31); t += 86_400_000) {
      const d = new Date(t).toISOString().slice(0, 10);
      if (dayNumber(d) !== t / 86_400_000) expect(dayNumber(d), d).toBe(t / 86_400_000);
    }
    expect(dayNumber('2026-10-01') - dayNumber('2026-09-17')).toBe(14);
  });
});

describe('single veto: 僵尸天数 (default 14: 全国检查指标 2 周)', () => {
  it('13 days between two posts passes; 14 fails', () => {
    const r = run([
      facts({ accountId: 1, maxGap: 13 }),
      facts({ accountId: 2, maxGap: 14, longGaps: [['2026-11-01', '2026-11-15']] }),
    ]);
    expect(r.accounts[0]!.vetoes).toEqual([]);
    expect(r.accounts[1]!.vetoes).toEqual([{ kind: 'dormant', text: '本季曾连续 14 天未更新' }]);
    expect(r.accounts[1]!.score).toBe(0);
  });

  it('idle from the last post before the quarter: counted to the first post (09-20 → 10-04 is 14 days)', () => {
    expect(run([facts({ lastPostBefore: '2026-09-20', firstPost: '2026-10-04' })]).accounts[0]!.vetoes[0]?.kind).toBe(
      'dormant',
    );
    expect(run([facts({ lastPostBefore: '2026-09-21', firstPost: '2026-10-04' })]).accounts[0]!.vetoes).toEqual([]);
  });

  it('idle at the end: 12-17 → 12-31 is 14 days; with 僵尸天数=15 (兴国 六) it passes', () => {
    const f = facts({ lastPost: '2026-12-17' });
    expect(run([f]).accounts[0]!.vetoes).toEqual([{ kind: 'dormant', text: '截至 2026-12-31 已 14 天未更新' }]);
    expect(run([f], { ...DEFAULT_POLICY, dormantDays: 15 }).accounts[0]!.vetoes).toEqual([]);
  });

  it('an account never filed fails whatever its posts (神木 第六条); a closed one is not dormant', () => {
    expect(run([facts({ openFiled: false })]).accounts[0]).toMatchObject({
      passed: false,
      vetoes: [{ kind: 'unfiled', text: '开设后未备案' }],
    });
    const closed = run([
      facts({ posts: 0, firstPost: null, lastPost: null, lastPostBefore: '2026-06-01', closedOn: '2026-10-20' }),
    ]).accounts[0]!;
    expect(closed).toMatchObject({ passed: true, closedInQuarter: true, to: '2026-10-20' });
    expect(closed.indicators.cleanup.value).toBe(1);
  });
});

describe('weights (/设置 通报权重)', () => {
  it('an indicator that does not apply leaves the denominator; changed weights change the score', () => {
    // weekly 6/12, filing 1/2 late, no reviews or reposts, password fine: 100 × (30 × 0.5 + 15 × 0.5 + 10) / 55
    const f = facts({ weeksMet: wholeWeeks(Q4.start, Q4.end).slice(0, 6), filings: { total: 2, late: 1 } });
    expect(run([f]).accounts[0]!.score).toBe(59.1);
    const spec = findSetting('通报权重')!;
    const w = spec.schema.parse(spec.parse('更新50,备案0,改密0'));
    expect(w).toEqual({ weekly: 50, filing: 0, review: 20, repost: 15, password: 0, cleanup: 10 });
    expect(run([f], { ...DEFAULT_POLICY, reportWeights: w as Policy['reportWeights'] }).accounts[0]!.score).toBe(50);
    expect(spec.schema.safeParse(spec.parse('更新abc')).success).toBe(false);
    expect(spec.schema.safeParse(spec.parse('更新0,备案0,审核0,转载0,改密0,清理0')).success).toBe(false);
  });
});

describe('units and ranking', () => {
  it('a unit scores the mean of its accounts; ties share a rank; actions name the accounts', () => {
    const r = run([
      facts({ accountId: 1, unitId: 1 }),
      facts({ accountId: 2, unitId: 1, name: '兴国教育微博', platform: 'weibo', lastPost: '2026-11-01' }),
      facts({ accountId: 3, unitId: 2, name: '健康兴国' }),
    ]);
    expect(r.units.map((u) => [u.rank, u.unitName, u.score])).toEqual([
      [1, '兴国县卫生健康委员会', 100],
      [2, '兴国县教育局', 50],
    ]);
    expect(r.units[1]!.actions[0]).toBe(
      '微博「兴国教育微博」（截至 2026-12-31 已 60 天未更新）：立即恢复更新；确已停止运营的，依规关停或注销并备案（兴国 六、浙江 二(一)）',
    );
    expect(r.units[1]!.actions.at(-1)).toBe('2027-01-18 前将整改情况报政府办');
    expect(r.overall).toMatchObject({ accounts: 3, failed: 1, meanScore: 66.7 });
    const tie = run([facts({ accountId: 1, unitId: 1 }), facts({ accountId: 2, unitId: 2 })]);
    expect(tie.units.map((u) => u.rank)).toEqual([1, 1]);
  });
});
