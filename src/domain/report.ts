/**
 * The quarterly inspection report (通报): from per-account facts read from the register to scores, a ranking and what
 * each unit must do. Pure arithmetic; the facts come from SQL (src/ports/report.ts), the files from src/files/report/.
 *
 * Sources: 神木 第二十一条 (每季度检查并通报结果), 兴国 六 and 浙江 二(五) (regular checks, 僵尸/睡眠 accounts named for
 * rectification); the national indicators (国办秘函〔2019〕19号): "监测时间点前2周内无更新" is a single-veto failure.
 *
 * The method, printed with every report (`methodLines`):
 * - single veto (单项否决): an account idle for 僵尸天数 or more on any day of the quarter (an account closed or
 *   suspended during the quarter is exempt: closing it is the rectification asked for, 浙江 二(一)); an account open
 *   but never filed (神木 第六条). A vetoed account scores 0 and fails;
 * - scored indicators, each a share from 0 to 1 with a weight (/设置 通报权重): an indicator with nothing to measure
 *   for an account (no filings, no reviews, no repost tasks that quarter) is left out and the other weights count in
 *   proportion: score = 100 × Σ wᵢ·rᵢ / Σ wᵢ over the indicators that apply;
 * - a unit's score is the mean of its accounts' scores; units are ranked by it.
 */
import { platformName } from './platforms.js';
import type { Policy } from './policy.js';
import { addDays, type DateStr, mondayOf } from './time.js';

export type IndicatorKey = 'weekly' | 'filing' | 'review' | 'repost' | 'password' | 'cleanup';
export type ReportWeights = Record<IndicatorKey, number>;

export interface IndicatorSpec {
  key: IndicatorKey;
  /** short Chinese name, also how a weight is written in /设置 通报权重 */
  name: string;
  source: string;
  /** how it is measured, in one sentence */
  rule(p: Policy): string;
}

export const INDICATORS: readonly IndicatorSpec[] = [
  {
    key: 'weekly',
    name: '更新',
    source: '神木 第十二条',
    rule: (p) => `更新频率：本季完整自然周中每周更新不少于 ${p.weeklyMinPosts} 条的周数占比`,
  },
  {
    key: 'filing',
    name: '备案',
    source: '神木 第六条、兴国 四(二)',
    rule: (p) => `备案及时：本季办理的开设、变更、关停、注销备案中在 ${p.filingDeadlineWorkdays} 个工作日内办理的占比`,
  },
  {
    key: 'review',
    name: '审核',
    source: '吉林 二(三)、神木 第十七条',
    rule: (p) =>
      `先审后发：审核期限（${p.reviewDeadlineWorkdays} 个工作日）在本季到期的送审中按期审结的占比（发布须经审核同意）`,
  },
  {
    key: 'repost',
    name: '转载',
    source: '兴国 三(四)',
    rule: (p) => `转载及时：本季到期的转载任务中在 ${p.repostDeadlineWorkdays} 个工作日期限内确认转载的占比`,
  },
  {
    key: 'password',
    name: '改密',
    source: '兴国 四(三)、神木 第二十条',
    rule: (p) => `定期改密：期末距上次确认更换密码不超过 ${p.passwordRotationDays} 天记满分，否则 0 分`,
  },
  {
    key: 'cleanup',
    name: '清理',
    source: '浙江 二(一)',
    rule: (p) => `清理整合：季初已 ${p.dormantDays} 天以上未更新的账号，本季内依规关停或注销记满分，否则 0 分`,
  },
];

export const DEFAULT_REPORT_WEIGHTS: ReportWeights = {
  weekly: 30,
  filing: 15,
  review: 20,
  repost: 15,
  password: 10,
  cleanup: 10,
};

export function indicatorName(k: IndicatorKey): string {
  return INDICATORS.find((i) => i.key === k)?.name ?? k;
}

// ---------------------------------------------------------------------------------------------------------------
// Quarters

export interface Quarter {
  /** `2026Q4` */
  label: string;
  year: number;
  q: 1 | 2 | 3 | 4;
  /** first and last day, Asia/Shanghai */
  start: DateStr;
  end: DateStr;
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

export function quarter(year: number, q: number): Quarter {
  const qq = q as Quarter['q'];
  const m = (qq - 1) * 3 + 1;
  const start = `${year}-${String(m).padStart(2, '0')}-01`;
  const end = addDays(q === 4 ? `${year + 1}-01-01` : `${year}-${String(m + 3).padStart(2, '0')}-01`, -1);
  return { label: `${year}Q${q}`, year, q: qq, start, end };
}

/** `2026Q4`, `2026q4`, `2026-Q4`, `2026年第四季度`, `2026年四季度`; null for anything else. */
export function parseQuarter(input: string): Quarter | null {
  const s = input.trim();
  const m = /^(\d{4})\s*[-_]?\s*[Qq]([1-4])$/.exec(s) ?? /^(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度?$/.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const q = CN_DIGITS[m[2]!];
  if (y < 2000 || y > 2100 || q === undefined) return null;
  return quarter(y, q);
}

export function quarterOfDay(d: DateStr): Quarter {
  return quarter(Number(d.slice(0, 4)), Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1);
}

export function previousQuarter(q: Quarter): Quarter {
  return q.q === 1 ? quarter(q.year - 1, 4) : quarter(q.year, q.q - 1);
}

/** 2026年第四季度 */
export function quarterName(q: Quarter | string): string {
  const label = typeof q === 'string' ? q : q.label;
  return `${label.slice(0, 4)}年第${['一', '二', '三', '四'][Number(label.slice(5)) - 1]}季度`;
}

// ---------------------------------------------------------------------------------------------------------------
// Facts and results

export interface Tally {
  total: number;
  late: number;
}

/** What the register says about one account for the period (src/ports/report.ts reads it in SQL). */
export interface AccountFacts {
  accountId: number;
  unitId: number;
  name: string;
  platform: string;
  /** the opening day (else the day it was registered) */
  openedOn: DateStr;
  /** the day it was suspended or closed, when it is no longer active */
  closedOn: DateStr | null;
  /** the day of its last post before the quarter */
  lastPostBefore: DateStr | null;
  /** posts in the period, and the days of the first and last */
  posts: number;
  firstPost: DateStr | null;
  lastPost: DateStr | null;
  /** the largest number of days between two consecutive posts in the period (0 with fewer than two) */
  maxGap: number;
  /** consecutive post days in the period at least 僵尸天数 apart (the dormant spells between posts) */
  longGaps: [DateStr, DateStr][];
  /** Mondays of the weeks with at least 每周最少更新 posts */
  weeksMet: DateStr[];
  /** an opening filing exists */
  openFiled: boolean;
  filings: Tally;
  reviews: Tally;
  reposts: Tally;
  /** the day password rotation is counted from: the last confirmed change, else the opening */
  passwordSince: DateStr;
}

export type VetoKind = 'dormant' | 'unfiled';
export interface Veto {
  kind: VetoKind;
  text: string;
}

export interface IndicatorValue {
  /** 0…1, or null when there was nothing to measure */
  value: number | null;
  detail: string;
}

export interface AccountResult {
  accountId: number;
  unitId: number;
  unitName: string;
  name: string;
  platform: string;
  /** the days of the quarter the account was open */
  from: DateStr;
  to: DateStr;
  closedInQuarter: boolean;
  posts: number;
  /** the longest run of days without a post, as the daily check saw it */
  maxIdleDays: number;
  vetoes: Veto[];
  indicators: Record<IndicatorKey, IndicatorValue>;
  score: number;
  passed: boolean;
}

export interface UnitResult {
  unitId: number;
  unitName: string;
  rank: number;
  accounts: number;
  failed: number;
  score: number;
  /** what the unit must do, one sentence each, naming its accounts */
  actions: string[];
}

export interface ReportSettings {
  dormantDays: number;
  weeklyMinPosts: number;
  filingDeadlineWorkdays: number;
  reviewDeadlineWorkdays: number;
  repostDeadlineWorkdays: number;
  passwordRotationDays: number;
  weights: ReportWeights;
}

/** A computed report: plain JSON, so an issued one is kept as it is (report_snapshots). */
export interface Report {
  quarter: string;
  from: DateStr;
  /** the last day counted: the quarter's end, or today while it runs */
  to: DateStr;
  complete: boolean;
  /** ISO time it was computed */
  computedAt: string;
  settings: ReportSettings;
  overall: {
    accounts: number;
    failed: number;
    /** units ranked */
    units: number;
    /** share of accounts that passed, 0…1 */
    passRate: number;
    meanScore: number;
    closed: number;
    byPlatform: { platform: string; accounts: number; failed: number }[];
  };
  units: UnitResult[];
  accounts: AccountResult[];
  /** dormant accounts at the end of each week of the quarter (and at its last day) */
  trend: { day: DateStr; dormant: number }[];
  method: string[];
  /** the day units report their rectification by */
  rectifyBy: DateStr;
  /** who issues it (落款): the county's government office */
  issuer: string;
  /** set when a date relied on the Monday–Friday fallback of the calendar */
  calendarNote: string | null;
  /** set when it was issued (/通报 发布) */
  issued?: { at: string; by: string | null };
}

export interface ReportInput {
  quarter: Quarter;
  /** the last day to count (the quarter's end, or today) */
  to: DateStr;
  computedAt: Date;
  policy: Policy;
  weights: ReportWeights;
  facts: readonly AccountFacts[];
  unitNames: ReadonlyMap<number, string>;
  /** the day units must report their rectification by (computed with the working-day calendar) */
  rectifyBy: DateStr;
  issuer: string;
  calendarNote?: string | null;
}

const collator = new Intl.Collator('zh-CN');
const round1 = (x: number): number => Math.round(x * 10) / 10;
const pct = (x: number): string => `${round1(x * 100)}%`;
const maxDay = (a: DateStr, b: DateStr): DateStr => (a > b ? a : b);

/** Mondays of the whole weeks (Monday–Sunday) inside [from, to]. */
export function wholeWeeks(from: DateStr, to: DateStr): DateStr[] {
  const out: DateStr[] = [];
  let m = mondayOf(from);
  if (m < from) m = addDays(m, 7);
  for (; addDays(m, 6) <= to; m = addDays(m, 7)) out.push(m);
  return out;
}

/**
 * Whole days since 1970-01-01 of a `YYYY-MM-DD`, by arithmetic on its digits (the proleptic Gregorian day count):
 * the report reads several dates of every account, and parsing them through `Date.UTC` was most of the scoring's cost.
 */
export function dayNumber(d: DateStr): number {
  let y =
    (d.charCodeAt(0) - 48) * 1000 + (d.charCodeAt(1) - 48) * 100 + (d.charCodeAt(2) - 48) * 10 + d.charCodeAt(3) - 48;
  const m = (d.charCodeAt(5) - 48) * 10 + d.charCodeAt(6) - 48;
  const day = (d.charCodeAt(8) - 48) * 10 + d.charCodeAt(9) - 48;
  if (m <= 2) y -= 1;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // 0…399
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + day - 1; // from 1 March
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Whole days from a to b (b - a). */
const between = (a: DateStr, b: DateStr): number => dayNumber(b) - dayNumber(a);

/** wholeWeeks, remembered: most accounts share their period. */
const weekCache = new Map<number, DateStr[]>();
function weeksOf(from: DateStr, to: DateStr): DateStr[] {
  const k = dayNumber(from) * 1_000_000 + dayNumber(to);
  let w = weekCache.get(k);
  if (!w) {
    if (weekCache.size > 10_000) weekCache.clear();
    weekCache.set(k, (w = wholeWeeks(from, to)));
  }
  return w;
}

/** The day idleness at the quarter's start is counted from: the last earlier post, else the opening. */
function anchorOf(f: AccountFacts): DateStr {
  return f.lastPostBefore ?? f.openedOn;
}

/**
 * Indicator values are the same few for most accounts ("8/8 周达标", "无到期送审"): each distinct one is made once and
 * shared (a report is never changed after it is computed), which spares the scoring most of its allocations.
 */
const memo = new Map<number, IndicatorValue>();
function shared(key: number, make: () => IndicatorValue): IndicatorValue {
  let v = memo.get(key);
  if (v === undefined) {
    if (memo.size > 50_000) memo.clear();
    memo.set(key, (v = Object.freeze(make())));
  }
  return v;
}
const none = (detail: string): IndicatorValue => Object.freeze({ value: null, detail });
const NONE = {
  filing: none('无备案事项'),
  review: none('无到期送审'),
  repost: none('无到期转载任务'),
  shortPeriod: none('本季开设不足一个完整周'),
  noWeekly: none('未设每周最少更新'),
  notDormant: none('季初非僵尸账号'),
  notClosed: Object.freeze({ value: 0, detail: '季初僵尸，未关停注销' }),
} as const;
const NO_VETOES: Veto[] = [];
Object.freeze(NO_VETOES);

// memo keys: the kind in the lowest 3 bits, the figures above them
const tally = (t: Tally, kind: 1 | 2 | 3): IndicatorValue => {
  if (t.total === 0) return kind === 1 ? NONE.filing : kind === 2 ? NONE.review : NONE.repost;
  const make = (): IndicatorValue => ({
    value: (t.total - t.late) / t.total,
    detail: `${t.total} 项，超期 ${t.late} 项`,
  });
  return t.total < 100_000 && t.late <= t.total ? shared((t.total * 100_000 + t.late) * 8 + kind, make) : make();
};

export function scoreAccount(f: AccountFacts, input: ReportInput): AccountResult {
  const { policy, weights, quarter: q } = input;
  const D = policy.dormantDays;
  const from = maxDay(q.start, f.openedOn);
  const closedInQuarter = f.closedOn !== null && f.closedOn >= q.start && f.closedOn <= input.to;
  const to = closedInQuarter ? (f.closedOn as DateStr) : input.to;
  const anchor = anchorOf(f);
  // days idle as the daily check sees them: between consecutive post days, from the anchor to the first post, and
  // from the last post (or the anchor) to the last day counted
  const lead = f.firstPost ? between(anchor, f.firstPost) : 0;
  const tail = between(f.lastPost ?? anchor, to);
  const maxIdleDays = Math.max(f.maxGap, lead, tail, 0);

  let vetoes = NO_VETOES;
  if (!closedInQuarter && maxIdleDays >= D) {
    vetoes = [];
    vetoes.push({
      kind: 'dormant',
      text: tail >= D ? `截至 ${to} 已 ${tail} 天未更新` : `本季曾连续 ${maxIdleDays} 天未更新`,
    });
  }
  if (!f.openFiled) {
    if (vetoes === NO_VETOES) vetoes = [];
    vetoes.push({ kind: 'unfiled', text: '开设后未备案' });
  }

  const weeks = weeksOf(from, to);
  let metCount = 0;
  if (weeks.length > 0) {
    const first = weeks[0]!;
    const last = weeks[weeks.length - 1]!;
    for (const m of f.weeksMet) if (m >= first && m <= last) metCount++;
  }
  const dormantAtStart = f.openedOn < q.start && between(anchor, q.start) >= D;
  const pwDays = between(f.passwordSince, to);
  const pwOk = pwDays <= policy.passwordRotationDays;
  const nWeeks = weeks.length;
  const indicators: Record<IndicatorKey, IndicatorValue> = {
    weekly:
      policy.weeklyMinPosts === 0 || nWeeks === 0
        ? nWeeks === 0
          ? NONE.shortPeriod
          : NONE.noWeekly
        : shared((metCount * 1000 + nWeeks) * 8 + 4, () => ({
            value: metCount / nWeeks,
            detail: `${metCount}/${nWeeks} 周达标`,
          })),
    filing: tally(f.filings, 1),
    review: tally(f.reviews, 2),
    repost: tally(f.reposts, 3),
    password: shared((pwDays * 2 + (pwOk ? 1 : 0)) * 8 + 5, () => ({
      value: pwOk ? 1 : 0,
      detail: `距上次改密 ${pwDays} 天`,
    })),
    cleanup: dormantAtStart
      ? closedInQuarter
        ? { value: 1, detail: `季初僵尸，已于 ${f.closedOn} 关停注销` }
        : NONE.notClosed
      : NONE.notDormant,
  };
  let sumW = 0;
  let sum = 0;
  for (const spec of INDICATORS) {
    const v = indicators[spec.key].value;
    const w = weights[spec.key];
    if (v === null || w <= 0) continue;
    sumW += w;
    sum += w * v;
  }
  const raw = sumW === 0 ? 100 : (100 * sum) / sumW;
  return {
    accountId: f.accountId,
    unitId: f.unitId,
    unitName: input.unitNames.get(f.unitId) ?? `U${f.unitId}`,
    name: f.name,
    platform: f.platform,
    from,
    to,
    closedInQuarter,
    posts: f.posts,
    maxIdleDays,
    vetoes,
    indicators,
    score: vetoes.length ? 0 : round1(raw),
    passed: vetoes.length === 0,
  };
}

/** Dormant accounts at the end of each Sunday of the period and of its last day. */
export function dormantTrend(facts: readonly AccountFacts[], input: ReportInput): { day: DateStr; dormant: number }[] {
  const D = input.policy.dormantDays;
  const days: DateStr[] = [];
  for (let d = addDays(mondayOf(input.quarter.start), 6); d < input.to; d = addDays(d, 7))
    if (d >= input.quarter.start) days.push(d);
  days.push(input.to);
  const points = days.map(dayNumber);
  const counts = points.map(() => 0);
  const INF = Number.POSITIVE_INFINITY;
  const spells: number[] = []; // [from, until) pairs, reused for every account
  for (const f of facts) {
    const opened = dayNumber(f.openedOn);
    const closed = f.closedOn === null ? INF : dayNumber(f.closedOn);
    const anchor = dayNumber(anchorOf(f));
    // idle spells [from + D, until): between posts, from the anchor to the first post, after the last post
    spells.length = 0;
    for (const [a, b] of f.longGaps) spells.push(dayNumber(a) + D, dayNumber(b));
    spells.push((f.lastPost === null ? anchor : dayNumber(f.lastPost)) + D, INF);
    if (f.firstPost) spells.push(anchor + D, dayNumber(f.firstPost));
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      if (opened > p || closed <= p) continue;
      for (let k = 0; k < spells.length; k += 2) {
        if (spells[k]! <= p && p < spells[k + 1]!) {
          counts[i]!++;
          break;
        }
      }
    }
  }
  return days.map((day, i) => ({ day, dormant: counts[i]! }));
}

export function methodLines(s: ReportSettings, policy: Policy): string[] {
  const w = s.weights;
  const total = INDICATORS.reduce((x, i) => x + w[i.key], 0);
  return [
    `单项否决（全国政务新媒体检查指标，国办秘函〔2019〕19号）：① 本季任一天已连续 ${s.dormantDays} 天以上未更新（“僵尸”“睡眠”账号，兴国 六）；本季依规关停、注销的账号不计；② 开设后未备案（神木 第六条）。被否决的账号记 0 分，为不合格。`,
    `其余账号按以下指标计分（权重合计 ${total}，可用 /设置 通报权重 调整）：${INDICATORS.map((i) => `${i.rule(policy)}，权重 ${w[i.key]}（${i.source}）`).join('；')}。`,
    '账号得分 = 100 × Σ(权重 × 达标比例) ÷ Σ(适用指标的权重)；本季没有可计的事项（如无到期转载任务）的指标不计入分母。',
    '单位得分 = 本单位纳入检查的账号得分的平均值；按单位得分排名，同分按不合格账号数、单位名称排序。合格率 = 未被单项否决的账号数 ÷ 检查账号数。',
  ];
}

/** What a unit must do, from its accounts' results (one pass over them). */
export function unitActions(accounts: readonly AccountResult[], s: ReportSettings, rectifyBy: DateStr): string[] {
  const label = (a: AccountResult): string => `${platformName(a.platform)}「${a.name}」`;
  const dormant: string[] = [];
  const unfiled: string[] = [];
  const weekly: string[] = [];
  const pw: string[] = [];
  const late = { filing: 0, review: 0, repost: 0 };
  const isLate = (v: IndicatorValue): boolean => v.value !== null && v.value < 1;
  for (const a of accounts) {
    const d = a.vetoes.find((v) => v.kind === 'dormant');
    if (d) dormant.push(`${label(a)}（${d.text}）`);
    if (a.vetoes.some((v) => v.kind === 'unfiled')) unfiled.push(label(a));
    if (!a.passed) continue;
    const i = a.indicators;
    if ((i.weekly.value ?? 1) < 1) weekly.push(`${label(a)}（${i.weekly.detail}）`);
    if (isLate(i.filing)) late.filing++;
    if (isLate(i.review)) late.review++;
    if (isLate(i.repost)) late.repost++;
    if (i.password.value === 0) pw.push(label(a));
  }
  const out: string[] = [];
  if (dormant.length)
    out.push(`${dormant.join('、')}：立即恢复更新；确已停止运营的，依规关停或注销并备案（兴国 六、浙江 二(一)）`);
  if (unfiled.length)
    out.push(`${unfiled.join('、')}开设后未备案：${s.filingDeadlineWorkdays} 个工作日内补办开设备案（神木 第六条）`);
  if (weekly.length) out.push(`${weekly.join('、')}：保证每周更新不少于 ${s.weeklyMinPosts} 条（神木 第十二条）`);
  if (late.filing)
    out.push(
      `${late.filing} 个账号备案超期：开设、变更、关停、注销在 ${s.filingDeadlineWorkdays} 个工作日内备案（神木 第六条）`,
    );
  if (late.review)
    out.push(
      `${late.review} 个账号有送审超过审核期限：分管、主要领导在 ${s.reviewDeadlineWorkdays} 个工作日内审结（神木 第十七条）`,
    );
  if (late.repost)
    out.push(`${late.repost} 个账号转载不及时：重大政策信息 ${s.repostDeadlineWorkdays} 个工作日内转载（兴国 三(四)）`);
  if (pw.length) out.push(`${pw.join('、')}逾期未更换密码：更换后发送 /改密（兴国 四(三)）`);
  if (out.length) out.push(`${rectifyBy} 前将整改情况报政府办`);
  return out;
}

/** The whole report from the facts. */
export function computeReport(input: ReportInput): Report {
  const { policy, weights } = input;
  const settings: ReportSettings = {
    dormantDays: policy.dormantDays,
    weeklyMinPosts: policy.weeklyMinPosts,
    filingDeadlineWorkdays: policy.filingDeadlineWorkdays,
    reviewDeadlineWorkdays: policy.reviewDeadlineWorkdays,
    repostDeadlineWorkdays: policy.repostDeadlineWorkdays,
    passwordRotationDays: policy.passwordRotationDays,
    weights: { ...weights },
  };
  const accounts = input.facts.map((f) => scoreAccount(f, input));
  accounts.sort((a, b) => a.unitId - b.unitId || a.accountId - b.accountId);
  const byUnit = new Map<number, AccountResult[]>();
  for (const a of accounts) {
    const list = byUnit.get(a.unitId);
    if (list) list.push(a);
    else byUnit.set(a.unitId, [a]);
  }
  const units: UnitResult[] = [...byUnit].map(([unitId, list]) => ({
    unitId,
    unitName: input.unitNames.get(unitId) ?? `U${unitId}`,
    rank: 0,
    accounts: list.length,
    failed: list.filter((a) => !a.passed).length,
    score: round1(list.reduce((x, a) => x + a.score, 0) / list.length),
    actions: unitActions(list, settings, input.rectifyBy),
  }));
  units.sort(
    (a, b) =>
      b.score - a.score || a.failed - b.failed || collator.compare(a.unitName, b.unitName) || a.unitId - b.unitId,
  );
  units.forEach((u, i) => {
    // equal scores and failures share a rank (1, 2, 2, 4)
    const prev = units[i - 1];
    u.rank = prev && prev.score === u.score && prev.failed === u.failed ? prev.rank : i + 1;
  });
  const platforms = new Map<string, { accounts: number; failed: number }>();
  for (const a of accounts) {
    const p = platforms.get(a.platform) ?? { accounts: 0, failed: 0 };
    p.accounts++;
    if (!a.passed) p.failed++;
    platforms.set(a.platform, p);
  }
  const failed = accounts.filter((a) => !a.passed).length;
  return {
    quarter: input.quarter.label,
    from: input.quarter.start,
    to: input.to,
    complete: input.to >= input.quarter.end,
    computedAt: input.computedAt.toISOString(),
    settings,
    overall: {
      accounts: accounts.length,
      failed,
      units: units.length,
      passRate: accounts.length ? (accounts.length - failed) / accounts.length : 1,
      meanScore: accounts.length ? round1(accounts.reduce((x, a) => x + a.score, 0) / accounts.length) : 0,
      closed: accounts.filter((a) => a.closedInQuarter).length,
      byPlatform: [...platforms]
        .map(([platform, v]) => ({ platform, ...v }))
        .sort((a, b) => b.accounts - a.accounts || a.platform.localeCompare(b.platform)),
    },
    units,
    accounts,
    trend: dormantTrend(input.facts, input),
    method: methodLines(settings, policy),
    rectifyBy: input.rectifyBy,
    issuer: input.issuer,
    calendarNote: input.calendarNote ?? null,
  };
}

/** One unit's page of a report: the same figures, only its accounts and its own line of the ranking. */
export function unitPage(r: Report, unitId: number): Report {
  const accounts = r.accounts.filter((a) => a.unitId === unitId);
  const units = r.units.filter((u) => u.unitId === unitId);
  return { ...r, accounts, units };
}

export const passRateText = (r: Report): string => pct(r.overall.passRate);

/** The accounts that failed, grouped by the reason (for the 存在问题 section and the card). */
export function vetoedAccounts(r: Report): { dormant: AccountResult[]; unfiled: AccountResult[] } {
  return {
    dormant: r.accounts.filter((a) => a.vetoes.some((v) => v.kind === 'dormant')),
    unfiled: r.accounts.filter((a) => a.vetoes.some((v) => v.kind === 'unfiled')),
  };
}
