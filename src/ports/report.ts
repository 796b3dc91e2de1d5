/**
 * What the quarterly report needs from storage: the per-account facts for a period, read in SQL over the whole
 * register a page of account ids at a time, and the issued reports kept as snapshots.
 */
import type { AccountFacts, Report } from '../domain/report.js';
import type { DateStr } from '../domain/time.js';
import type { IdRange } from './sweep.js';
import type { Writes } from './store.js';

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
