/**
 * What the quarterly report needs from storage: the per-account facts for a period, read in SQL over the whole
 * register a page of account ids at a time, and the issued reports kept as snapshots.
 */
import { fallbackNotice, type WorkCalendar } from '../domain/calendar.js';
import { resolvePolicy } from '../domain/policy.js';
import { type AccountFacts, computeReport, type Quarter, type Report } from '../domain/report.js';
import { addDays, type DateStr, shanghaiDate, shanghaiInstant } from '../domain/time.js';
import type { Store } from './store.js';
import type { IdRange } from './sweep.js';
import type { Writes } from './write.js';

export interface FactsQuery {
  /** the quarter's first day and the last day counted (Asia/Shanghai) */
  from: DateStr;
  to: DateStr;
  /** instants: posts, filings, reviews and repost deadlines in [start, end) count; `end` is never after the moment asked */
  start: Date;
  end: Date;
  dormantDays: number;
  /** 每周最少更新 (0: no weekly check) */
  weeklyMinPosts: number;
  ids: IdRange;
}

export interface IssuedReport {
  quarter: string;
  report: Report;
  issuedAt: Date;
  issuedBy: number | null;
}

export interface ReportStore {
  /** The smallest and largest account id, or null when there are no accounts. */
  accountIds(): Promise<{ min: number; max: number } | null>;
  /** Facts for every account of the page that existed in the period and was not closed before it. */
  accountFacts(q: FactsQuery): Promise<AccountFacts[]>;
  unitNames(): Promise<Map<number, string>>;
  /** The issued report of a quarter, exactly as it was issued. */
  issued(quarter: string): Promise<IssuedReport | null>;
  /** Keep an issued report. Issuing a quarter twice fails the commit with ConflictError. */
  issue(r: IssuedReport): Writes;
}

// Building a quarter's report from these ports (shared by /通报, the daily sweep and the CLI).

export interface ReportDeps {
  store: Store;
  report: ReportStore;
  /** the official calendar; the stored overrides are applied here */
  baseCalendar: WorkCalendar;
}

/** Account ids per page of the register-wide queries. */
const PAGE = 10_000;
/** Working days units have to report their rectification (整改情况), counted from the day the report is made. */
export const RECTIFY_WORKDAYS = 10;

/** Who signs the report: the top-level unit that is a government office, else a generic name. */
export function issuerName(units: readonly { name: string; parentId: number | null }[]): string {
  const roots = units.filter((u) => u.parentId === null);
  return (
    (roots.find((u) => /政府办公室$|政府办$/.test(u.name)) ?? roots.find((u) => u.name.endsWith('办公室')))?.name ??
    '人民政府办公室'
  );
}

/** The quarter's figures as of `now` (the quarter's end when it is over). Throws RangeError for a quarter not begun. */
export async function computeQuarter(deps: ReportDeps, q: Quarter, now: Date): Promise<Report> {
  const today = shanghaiDate(now);
  if (today < q.start) throw new RangeError(`${q.label} has not begun`);
  const [stored, overrides, units] = await Promise.all([
    deps.store.settings.all(),
    deps.store.calendar.overrides(),
    deps.store.units.all(),
  ]);
  const policy = resolvePolicy(stored);
  const calendar = deps.baseCalendar.withOverrides(overrides);
  const to: DateStr = [today, q.end].sort()[0]!; // the earlier day (YYYY-MM-DD sorts as text)
  const start = shanghaiInstant(q.start);
  const end = new Date(Math.min(shanghaiInstant(addDays(to, 1)).getTime(), now.getTime()));
  const range = await deps.report.accountIds();
  const facts: AccountFacts[] = [];
  if (range) {
    for (let from = range.min; from <= range.max; from += PAGE) {
      const page = await deps.report.accountFacts({
        from: q.start,
        to,
        start,
        end,
        dormantDays: policy.dormantDays,
        weeklyMinPosts: policy.weeklyMinPosts,
        ids: { from, to: Math.min(range.max, from + PAGE - 1) },
      });
      for (const f of page) facts.push(f);
    }
  }
  const rectify = calendar.addWorkdays(today, RECTIFY_WORKDAYS);
  return computeReport({
    quarter: q,
    to,
    computedAt: now,
    policy,
    weights: policy.reportWeights,
    facts,
    unitNames: new Map(units.map((u) => [u.id, u.name])),
    rectifyBy: rectify.date,
    issuer: issuerName(units),
    calendarNote: fallbackNotice(rectify.fallbackYears),
  });
}

/** The issued snapshot of a quarter when there is one (unchanged since), else a draft computed now. */
export async function quarterReport(
  deps: ReportDeps,
  q: Quarter,
  now: Date,
): Promise<{ report: Report; issued: IssuedReport | null }> {
  const issued = await deps.report.issued(q.label);
  if (issued) return { report: issued.report, issued };
  return { report: await computeQuarter(deps, q, now), issued: null };
}

/** A file a report produces (the chart, the .docx draft, the .xlsx of indicators). */
export interface ReportFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

/** Renders a report's files; wired where the chart and document libraries are available (the Node server). */
export type ReportRenderer = (report: Report) => Promise<ReportFile[]>;
