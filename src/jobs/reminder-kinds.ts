import { daysAgo } from '../domain/wording.js';
import type { SweepEnv } from '../ports/sweep.js';
import { idleCutoff, idleDays } from '../domain/activity.js';
import { platformName } from '../domain/platforms.js';
import { passRateText, previousQuarter, quarterName, quarterOfDay } from '../domain/report.js';
import type { WorkCalendar } from '../domain/calendar.js';
import {
  firstWorkdayOfWeek,
  previousWeek,
  type ReminderItem,
  reminderKey,
  type ReminderSeverity,
} from '../domain/reminders.js';
import {
  addDays,
  type DateStr,
  daysBetween,
  formatShanghai,
  shanghaiDate,
  shanghaiInstant,
  year,
} from '../domain/time.js';
import type { AccountChecks, AccountRow, AccountState, IdRange, SweepStore } from '../ports/sweep.js';

const month = (d: DateStr): number => Number(d.slice(5, 7));

/** What a kind sees while it runs: the sweep's moment and settings, unit names, and how to name an account in a command. */
export interface KindEnv extends SweepEnv {
  ref(a: AccountRow): string;
  unitName(unitId: number): string;
  /** sweeps whose recorded reminders an admins' summary still has to count: their lines are written too */
  adopt: ReadonlySet<number>;
  /** for the queries: null asks for everything due; else only what is not recorded, or recorded by these sweeps */
  onlyNew: readonly number[] | null;
  /** the sweep that recorded a reminder of a kind that is not paged (null: not recorded) */
  recordedToken(kind: string, accountId: number | null, ref: number, period: string): number | null;
}

/** A reminder due, and the sweep that recorded it already (null: it is new). */
export interface Found {
  item: ReminderItem;
  token: number | null;
}

export type Emit = (found: Found) => void;

export interface SectionSpec {
  /** the item kind this section collects */
  kind: string;
  /** heading in a unit's digest and in the admins' summary */
  label(env: SweepEnv): string;
  /** a unit's digest names every item of this kind (else the first MAX_UNIT_LINES, then how many more) */
  everyLine?: boolean;
}

/** The rows of a kind's own query, ready to be phrased once the names they carry can be referred to. */
export interface KindRows {
  names: string[];
  emit(env: KindEnv, emit: Emit): void;
}

export interface ReminderKind {
  name: string;
  sections: readonly SectionSpec[];
  applies(env: SweepEnv): boolean;
  /**
   * Its items concern accounts and go into their unit's digest: asked one page of units at a time, so a page's
   * digests are complete and can be recorded and queued before the next page is read.
   */
  paged: boolean;
  /** A per-account kind: its part of the page's one pass over the accounts, and its items from each account. */
  accounts?: {
    checks(env: KindEnv): Partial<Pick<AccountChecks, 'idle' | 'weekly' | 'password'>>;
    toItem(a: AccountState, env: KindEnv, emit: Emit): void;
  };
  /** Any other kind: run its query (for `units`, a page of unit ids, when paged; `null` otherwise). */
  find?(q: SweepStore, env: KindEnv, units: IdRange | null): Promise<KindRows>;
}

function defineKind<R>(spec: {
  name: string;
  sections: readonly SectionSpec[];
  applies?: (env: SweepEnv) => boolean;
  /** the one query; `units` is set for kinds that are asked page by page */
  find: (q: SweepStore, env: KindEnv, units: IdRange) => Promise<R[]>;
  /** per account, into its unit's digest (asked a page of units at a time, so a national register is never held at once) */
  paged?: boolean;
  /** the account names a row's lines refer to */
  names?: (row: R) => string | null;
  /** the line(s) and who is told; null to skip a row */
  toItem: (row: R, env: KindEnv) => Found | null;
}): ReminderKind {
  return {
    name: spec.name,
    sections: spec.sections,
    applies: spec.applies ?? (() => true),
    paged: spec.paged === true,
    async find(q, env, units) {
      const rows = await spec.find(q, env, units ?? { from: 0, to: 0 });
      const names: string[] = [];
      if (spec.names)
        for (const r of rows) {
          const n = spec.names(r);
          if (n !== null) names.push(n);
        }
      return {
        names,
        emit(env2, emit) {
          for (const row of rows) {
            const found = spec.toItem(row, env2);
            if (found) emit(found);
          }
        },
      };
    },
  };
}

const label = (a: AccountRow): string => `${platformName(a.platform)}「${a.name}」`;
/** `账号=…` for commands that take the account as a key: its name when unique, else its id. */
const accountArg = (a: AccountRow, env: KindEnv): string => {
  const r = env.ref(a);
  return r === a.name ? `账号=${r}` : `账号=A${a.accountId}`;
};

const NO_PERSON_LINES: ReminderItem['personLines'] = Object.freeze([]) as unknown as ReminderItem['personLines'];

/** Lines are written for what is new, and for what a summary still has to count (recorded by an adopted sweep). */
const writes = (env: KindEnv, token: number | null): boolean => token === null || env.adopt.has(token);

/** An item about one account. Its lines are written only when it was not sent already in this period. */
function accountItem(
  kind: string,
  a: AccountRow,
  env: KindEnv,
  period: string,
  token: number | null,
  severity: ReminderSeverity,
  unitLine: (() => string) | null,
  adminLine: (() => string) | null = null,
  subject = `A${a.accountId}`,
  ref = 0,
): Found {
  const lines = writes(env, token);
  return {
    item: {
      key: reminderKey(kind, subject, period),
      kind,
      period,
      unitId: a.unitId,
      unitName: env.unitName(a.unitId),
      accountId: a.accountId,
      ref,
      severity,
      unitLine: unitLine && lines ? unitLine() : null,
      personLines: NO_PERSON_LINES,
      adminLine: adminLine && lines ? adminLine() : null,
    },
    token,
  };
}

const hhmm = (t: Date): string => formatShanghai(t).slice(11);

/** The week before today's, computed once per sweep rather than once per row. */
let lastWeek: { today: DateStr; week: ReturnType<typeof previousWeek> } | null = null;
function weekBefore(today: DateStr): ReturnType<typeof previousWeek> {
  if (lastWeek?.today !== today) lastWeek = { today, week: previousWeek(today) };
  return lastWeek.week;
}

/** A kind whose items come from the page's one pass over the accounts. */
function accountKind(spec: {
  name: string;
  sections: readonly SectionSpec[];
  applies?: (env: SweepEnv) => boolean;
  checks: (env: KindEnv) => Partial<Pick<AccountChecks, 'idle' | 'weekly' | 'password'>>;
  toItem: (a: AccountState, env: KindEnv) => Found | null;
}): ReminderKind {
  return {
    name: spec.name,
    sections: spec.sections,
    applies: spec.applies ?? (() => true),
    paged: true,
    accounts: {
      checks: spec.checks,
      toItem(a, env, emit) {
        const found = spec.toItem(a, env);
        if (found) emit(found);
      },
    },
  };
}

/** 全国检查指标 (2 weeks), 兴国 六 (15 days): dormancy alerts, and warnings from 预警天数 on. One check for both. */
const dormancy = accountKind({
  name: 'dormancy',
  sections: [
    { kind: 'dormant', label: (env) => `僵尸账号（连续 ${env.policy.dormantDays} 天以上未更新）`, everyLine: true },
    { kind: 'idle', label: (env) => `即将成为僵尸账号（已 ${env.policy.dormancyWarningDays} 天以上未更新）` },
  ],
  checks: (env) => ({
    idle: {
      warn: idleCutoff(env.today, env.policy.dormancyWarningDays),
      dormant: idleCutoff(env.today, env.policy.dormantDays),
      period: env.today,
    },
  }),
  toItem(a, env) {
    if (a.idle === null) return null;
    const days = idleDays(a, env.today);
    const last = (): string => (a.lastPostAt ? `最近一次 ${shanghaiDate(a.lastPostAt)}` : '开设以来无更新记录');
    // the query tells dormant from idle by the same cutoffs (idleCutoff is the inverse of idleDays)
    if (a.idle === 'dormant') {
      return accountItem(
        'dormant',
        a,
        env,
        env.today,
        a.idleToken,
        'alert',
        () =>
          `${label(a)}已 ${days} 天未更新（${last()}），属“僵尸”账号：请尽快发布信息，发布后发送 /更新 ${env.ref(a)}`,
        () => `${env.unitName(a.unitId)} · ${label(a)}已 ${days} 天未更新`,
      );
    }
    const left = env.policy.dormantDays - days;
    return accountItem(
      'idle',
      a,
      env,
      env.today,
      a.idleToken,
      'warning',
      () =>
        `${label(a)}已 ${days} 天未更新（${last()}），再过 ${left} 天将成为“僵尸”账号：请安排发布，发布后发送 /更新 ${env.ref(a)}`,
    );
  },
});

/** 神木 第十二条: at least two posts a week, checked on the first working day of each week for the week before. */
const weekly = accountKind({
  name: 'weekly',
  sections: [
    { kind: 'weekly', label: (env) => `上周更新不足（神木 第十二条：每周不少于 ${env.policy.weeklyMinPosts} 条）` },
  ],
  applies: (env) => env.policy.weeklyMinPosts > 0 && firstWorkdayOfWeek(env.calendar, env.today) === env.today,
  checks(env) {
    const w = weekBefore(env.today);
    return {
      weekly: { from: w.from, to: w.to, existedBy: w.monday, min: env.policy.weeklyMinPosts, period: w.label },
    };
  },
  toItem(a, env) {
    // a dormant or nearly dormant account had no post last week either: its dormancy line says enough
    if (a.weeklyPosts === null || a.idle !== null) return null;
    const w = weekBefore(env.today);
    const posts = a.weeklyPosts;
    return accountItem(
      'weekly',
      a,
      env,
      w.label,
      a.weeklyToken,
      'notice',
      () =>
        `${label(a)}上周（${w.monday.slice(5)}～${w.sunday.slice(5)}）更新 ${posts} 条，少于 ${env.policy.weeklyMinPosts} 条：本周请加强更新，发布后发送 /更新 ${env.ref(a)}`,
    );
  },
});

/** 兴国 三(四), 吉林: repost major policy items within 1 working day; remind units that have not confirmed. */
const repost = defineKind({
  name: 'repost',
  sections: [
    {
      kind: 'repost',
      label: (env) => `转载任务未确认（兴国 三(四)：${env.policy.repostDeadlineWorkdays} 个工作日内转载）`,
    },
  ],
  paged: true,
  find: (q, env, units) =>
    q.dueReposts({
      now: env.now,
      until: shanghaiInstant(addDays(env.today, 1)),
      units,
      period: env.today,
      onlyNew: env.onlyNew,
    }),
  names: (r) => r.name,
  toItem(r, env) {
    const pending = r.deadlineAt.getTime() > env.now.getTime();
    const when = (): string => {
      const due = shanghaiDate(r.deadlineAt);
      if (pending) return `今天 ${hhmm(r.deadlineAt)} 截止`;
      if (due === env.today) return `已于今天 ${hhmm(r.deadlineAt)} 截止`;
      const late = env.calendar.workdaysLate(due, env.today);
      return `已逾期 ${late.days} 个工作日（截止 ${formatShanghai(r.deadlineAt)}${late.fallbackYears.length ? `，${late.fallbackYears.join('、')} 年按周一至周五计` : ''}）`;
    };
    return accountItem(
      'repost',
      r,
      env,
      env.today,
      r.token,
      pending ? 'warning' : 'alert',
      () =>
        `转载任务 T${r.taskId}「${r.title}」${when()}，${label(r)}尚未确认：转载后发送 /转载 完成 T${r.taskId} ${accountArg(r, env)}`,
      null,
      `T${r.taskId}:A${r.accountId}`,
      r.taskId,
    );
  },
});

/** 先审后发 (吉林, 神木 第十七条): reviews waiting past their deadline or planned time; the requester and approver are told. */
const review = defineKind({
  name: 'review',
  sections: [{ kind: 'review', label: () => '审核超期（先审后发，神木 第十七条）' }],
  find: (q, env) => q.overdueReviews({ now: env.now }),
  toItem(r, env) {
    const token = env.recordedToken('review', null, r.reviewId, env.today);
    const lines = writes(env, token);
    const late: string[] = [];
    if (r.deadlineAt && r.deadlineAt.getTime() <= env.now.getTime())
      late.push(`已过审核期限 ${formatShanghai(r.deadlineAt)}`);
    if (r.plannedAt && r.plannedAt.getTime() <= env.now.getTime())
      late.push(`已过计划发布时间 ${formatShanghai(r.plannedAt)}`);
    const why = late.join('，');
    const what = `R${r.reviewId}「${r.title}」（${env.unitName(r.unitId)}${r.accountName ? ` · ${r.accountName}` : ''}）`;
    const waitingOn = r.approverName ?? '（未指定审批人）';
    const personLines: ReminderItem['personLines'] = !lines
      ? []
      : [
          {
            personId: r.requesterId,
            line: `您送审的 ${what}${why}，仍在等待 ${waitingOn} 审批：可提醒审批人，或发送 /送审 撤回 R${r.reviewId}`,
          },
        ];
    if (lines && r.approverId !== null) {
      personLines.push({
        personId: r.approverId,
        line: `${what}${why}，等待您审批：发送 /审批 同意 R${r.reviewId}，或 /审批 退回 R${r.reviewId} 意见=…`,
      });
    }
    return {
      item: {
        key: reminderKey('review', `R${r.reviewId}`, env.today),
        kind: 'review',
        period: env.today,
        unitId: r.unitId,
        unitName: env.unitName(r.unitId),
        accountId: null,
        ref: r.reviewId,
        severity: 'warning',
        unitLine: null,
        personLines,
        adminLine: lines ? `${what}${why}，待 ${waitingOn} 审批` : null,
      },
      token,
    };
  },
});

/** 兴国 四(三), 神木 第二十条: change passwords regularly (改密周期); counted from the opening when never confirmed. */
const password = accountKind({
  name: 'password',
  sections: [
    { kind: 'password', label: (env) => `密码到期（每 ${env.policy.passwordRotationDays} 天更换，兴国 四(三)）` },
  ],
  checks: (env) => ({
    password: { sinceDate: addDays(env.today, -env.policy.passwordRotationDays), period: env.week },
  }),
  toItem(a, env) {
    const since = a.passwordSince;
    if (since === null) return null;
    const when = (): string => {
      const days = daysBetween(since, env.today);
      return a.passwordChangedOn
        ? `上次确认更换密码是 ${a.passwordChangedOn}（${daysAgo(days)}）`
        : `开设以来未确认更换过密码（已 ${days} 天）`;
    };
    return accountItem(
      'password',
      a,
      env,
      env.week,
      a.passwordToken,
      'notice',
      () => `${label(a)}${when()}：更换后发送 /改密 ${env.ref(a)}`,
    );
  },
});

/** Feeds that keep failing: dormancy then depends on people reporting again. Admins only. */
export const FEED_ALERT_FAILURES = 3;
const feed = defineKind({
  name: 'feed',
  sections: [{ kind: 'feed', label: () => `订阅源读取失败（连续 ${FEED_ALERT_FAILURES} 次以上）` }],
  find: (q) => q.feedProblems({ minFailures: FEED_ALERT_FAILURES }),
  names: (f) => f.name,
  toItem(f, env) {
    const ok = (): string => (f.lastOkAt ? `最近成功 ${formatShanghai(f.lastOkAt)}` : '从未成功');
    return accountItem(
      'feed',
      f,
      env,
      env.week,
      env.recordedToken('feed', f.accountId, 0, env.week),
      'notice',
      null,
      () =>
        `${env.unitName(f.unitId)} · ${label(f)}连续 ${f.failures} 次失败：${f.lastError ?? '未知错误'}（${ok()}）。请核对地址：/账号 详情 ${env.ref(f)}，或 /备案 变更 ${accountArg(f, env)} 订阅源=新地址`,
    );
  },
});

/** For admins, from December on: next year's official holidays are not in the data yet. */
const calendar = defineKind({
  name: 'calendar',
  sections: [{ kind: 'calendar', label: () => '工作日历' }],
  applies: (env) =>
    !env.calendar.covers(year(env.today)) || (month(env.today) === 12 && !env.calendar.covers(year(env.today) + 1)),
  find: async (_q, env) =>
    [year(env.today), year(env.today) + 1].filter(
      (y) => !env.calendar.covers(y) && (y === year(env.today) || month(env.today) === 12),
    ),
  toItem: (y, env) => ({
    item: {
      key: reminderKey('calendar', String(y), env.week),
      kind: 'calendar',
      period: env.week,
      unitId: null,
      unitName: null,
      accountId: null,
      ref: y,
      severity: 'notice',
      unitLine: null,
      personLines: NO_PERSON_LINES,
      adminLine: `${y} 年的法定节假日安排尚未收录，该年的期限将按周一至周五推算：国务院办公厅通知发布后，请用 /节假日 导入 粘贴通知全文（或 npm run cli -- holidays import 文件），或升级 chinese-days 数据`,
    },
    token: env.recordedToken('calendar', null, y, env.week),
  }),
});

/** The first working day of the quarter a day is in (null in a quarter without one). */
export function firstWorkdayOfQuarter(cal: WorkCalendar, day: DateStr): DateStr | null {
  const q = quarterOfDay(day);
  for (let d = q.start; d <= q.end; d = addDays(d, 1)) if (cal.isWorkday(d)) return d;
  return null;
}

/**
 * 神木 第二十一条 (每季度检查并通报结果): on the first working day of a quarter the admins get the previous quarter's draft
 * figures and the commands to see and issue it. Once per quarter (key `report:2026Q3`); nothing once it is issued.
 */
const report = defineKind({
  name: 'report',
  sections: [{ kind: 'report', label: () => '季度通报（神木 第二十一条：每季度检查并通报结果）' }],
  applies: (env) => env.quarterDraft !== undefined && firstWorkdayOfQuarter(env.calendar, env.today) === env.today,
  find: async (_q, env) => {
    const r = await env.quarterDraft!(previousQuarter(quarterOfDay(env.today)));
    return r ? [r] : [];
  },
  toItem: (r, env) => {
    const o = r.overall;
    const last =
      r.units.length > 1
        ? r.units
            .slice(-3)
            .map((u) => `${u.unitName}（${u.score.toFixed(1)}）`)
            .join('、')
        : '';
    return {
      token: env.recordedToken('report', null, 0, r.quarter),
      item: {
        key: `report:${r.quarter}`,
        kind: 'report',
        period: r.quarter,
        unitId: null,
        unitName: null,
        accountId: null,
        ref: 0,
        severity: 'notice',
        unitLine: null,
        personLines: NO_PERSON_LINES,
        adminLine:
          `${quarterName(r.quarter)}通报草稿已生成：检查 ${o.accounts} 个账号，不合格 ${o.failed} 个（合格率 ${passRateText(r)}），平均 ${o.meanScore.toFixed(1)} 分` +
          `${last ? `；排名靠后：${last}` : ''}。查看：/通报 ${r.quarter}；核对无误后发布：/通报 发布 ${r.quarter}`,
      },
    };
  },
});

/** Every kind, in the order a digest lists them. */
export const REMINDER_KINDS: readonly ReminderKind[] = [
  dormancy,
  repost,
  weekly,
  password,
  review,
  feed,
  calendar,
  report,
];

export const SECTIONS: readonly SectionSpec[] = REMINDER_KINDS.flatMap((k) => k.sections);
