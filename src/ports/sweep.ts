/**
 * What the daily reminders sweep needs from storage: one query per kind of reminder, each over the whole register
 * (never a query per account), the contacts to tell, and the record of reminders already sent and of sweep runs.
 * Reads are async; writes are deferred and committed by `Store.commit` together with the outbox messages.
 */
import type { WorkCalendar } from '../domain/calendar.js';
import type { ChannelName, Identity } from '../domain/model.js';
import type { Policy } from '../domain/policy.js';
import type { ReminderItem } from '../domain/reminders.js';
import type { Quarter, Report } from '../domain/report.js';
import type { OutboxMessage } from './store.js';
import type { DateStr } from '../domain/time.js';
import type { Writes } from './write.js';

/** An account as a reminder names it (its unit's name comes from `unitNames`, once per sweep). */
export interface AccountRow {
  accountId: number;
  unitId: number;
  name: string;
  platform: string;
}

/** How many accounts (any status) carry a name on a platform: a reminder's command must name exactly one account. */
export interface NameCount {
  name: string;
  platform: string;
  accounts: number;
}

export interface IdleAccountRow extends AccountRow {
  lastPostAt: Date | null;
  openedOn: DateStr | null;
  createdAt: Date;
}

export interface WeeklyRow extends AccountRow {
  posts: number;
}

export interface PasswordRow extends AccountRow {
  passwordChangedOn: DateStr | null;
  /** the day the rotation is counted from: the last confirmation, else the opening, else registration */
  since: DateStr;
}

export interface ReviewRow {
  reviewId: number;
  unitId: number;
  accountName: string | null;
  title: string;
  level: string;
  plannedAt: Date | null;
  deadlineAt: Date | null;
  requesterId: number;
  requesterName: string | null;
  currentStep: number;
  approverId: number | null;
  approverName: string | null;
}

export interface RepostRow extends AccountRow {
  taskId: number;
  title: string;
  deadlineAt: Date;
}

export interface FeedProblemRow extends AccountRow {
  feedUrl: string;
  failures: number;
  lastError: string | null;
  lastOkAt: Date | null;
  lastCheckedAt: Date | null;
}

export interface Contact {
  personId: number;
  name: string;
  identities: Identity[];
}

export interface Contacts {
  /** bound work groups (console chats excluded) */
  chats: { unitId: number; channel: ChannelName; chatId: string }[];
  /** active liaisons, per unit */
  liaisons: (Contact & { unitId: number })[];
  /** the people asked for by id (active ones) */
  people: Contact[];
}

export interface ReminderRecord {
  key: string;
  kind: string;
  period: string;
  unitId: number | null;
  accountId: number | null;
}

export type SweepTrigger = 'schedule' | 'cli' | 'chat' | 'test';

export interface SweepRun {
  /** the Shanghai day the sweep ran for */
  runDate: DateStr;
  /** the moment the sweep ran as of (the simulated moment for `remind --now`) */
  asOf: Date;
  /** when it actually ran */
  ranAt: Date;
  trigger: SweepTrigger;
  items: number;
  messages: number;
}

/** A page of the register: the accounts of units `from` to `to` (ids, inclusive). Per-account queries are asked page by page. */
export interface IdRange {
  from: number;
  to: number;
}

export interface SweepStore {
  /** The smallest and largest unit id, or null when there are no units. */
  unitIds(): Promise<{ min: number; max: number } | null>;
  /** Active accounts idle on or before `sinceDate` (posts after `now` are not counted; accounts registered after it don't exist yet). */
  idleAccounts(p: { now: Date; sinceDate: DateStr; postBefore: Date; units: IdRange }): Promise<IdleAccountRow[]>;
  /** Active accounts that existed for the whole week [from, to) with fewer than `min` posts in it. */
  weeklyShortfall(p: {
    now: Date;
    from: Date;
    to: Date;
    existedBy: DateStr;
    min: number;
    units: IdRange;
  }): Promise<WeeklyRow[]>;
  /** Pending reviews whose deadline or planned publishing time has passed, with the current step's approver. */
  overdueReviews(p: { now: Date }): Promise<ReviewRow[]>;
  /** Targets of open repost tasks due before `until`, not confirmed, on active accounts. */
  dueReposts(p: { now: Date; until: Date; units: IdRange }): Promise<RepostRow[]>;
  /** Every open repost task with how many of its targets are done (for the admins' summary). */
  repostProgress(p: {
    now: Date;
  }): Promise<{ taskId: number; title: string; deadlineAt: Date; done: number; total: number }[]>;
  /** Active accounts whose password was last confirmed changed (or opened) on or before `sinceDate`. */
  passwordsDue(p: { now: Date; sinceDate: DateStr; units: IdRange }): Promise<PasswordRow[]>;
  /** Active accounts whose feed failed at least `minFailures` times in a row. */
  feedProblems(p: { minFailures: number }): Promise<FeedProblemRow[]>;

  /** Every unit's name, by id. */
  unitNames(): Promise<Map<number, string>>;
  /** Accounts per (name, platform), for the names more than one account carries (any other name is unique), for unambiguous account references. */
  nameCounts(): Promise<NameCount[]>;

  /** Every bound work group and liaison, and the people asked for. */
  contacts(personIds: readonly number[]): Promise<Contacts>;

  /** Keys already recorded for these periods. */
  sentKeys(periods: readonly string[]): Promise<Set<string>>;
  /**
   * Record reminders as sent. The commit fails with ConflictError if any of them was recorded meanwhile.
   * `summary`: the token of the sweep that will count them in the admins' summary (its last commit), or omitted when
   * they are counted in this very commit.
   */
  record(reminders: readonly ReminderRecord[], at: Date, summary?: number): Writes;
  /** Reminders recorded by a sweep that has not yet queued the admins' summary counting them: key → that sweep's token. */
  unsummarized(): Promise<Map<string, number>>;
  /** Mark as summarized the reminders recorded with these tokens; the commit fails with ConflictError unless exactly `expected` were. */
  summarized(tokens: readonly number[], expected: number): Writes;
  /** Forget reminders whose period (a day `2026-11-20` or an ISO week `2026-W47`) is before this day's. */
  prune(before: DateStr, beforeWeek: string): Writes;

  recordRun(run: SweepRun): Writes;
  /** The latest run recorded for a day, by the moment it ran as of. */
  lastRun(runDate: DateStr): Promise<SweepRun | null>;
}

export interface SweepEnv {
  now: Date;
  today: DateStr;
  /** ISO week of today, e.g. `2026-W47` */
  week: string;
  policy: Policy;
  calendar: WorkCalendar;
  /** the draft report of a quarter, or null when it was issued already (absent where reports are not wired) */
  quarterDraft?: (q: Quarter) => Promise<Report | null>;
}

export interface PlannedMessage {
  message: OutboxMessage;
  /** who, in words: 「兴国县教育局」工作群（飞书）, 李联络（飞书） */
  to: string;
  audience: 'unit' | 'person' | 'admins';
  unitId: number | null;
}

export interface SweepPlan {
  env: SweepEnv;
  /** would the scheduler run on this day (working day, or 每天提醒)? */
  remindDay: boolean;
  /** every reminder due now */
  found: ReminderItem[];
  /** those not sent before */
  fresh: ReminderItem[];
  messages: PlannedMessage[];
  /** units and people nobody could be found to tell */
  unreachable: string[];
}
