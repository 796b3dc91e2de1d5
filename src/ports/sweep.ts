/**
 * What the daily reminders sweep needs from storage: per page of units, one pass over its accounts for the
 * per-account kinds and one query for repost targets (never a query per account); one query for each other kind; the
 * contacts to tell; and the record of reminders already sent (looked up inside those queries) and of sweep runs.
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

/** A cutoff of idleness (`idleCutoff`): idle on or before `sinceDate`, i.e. the last post before `postBefore`. */
export interface IdleCutoff {
  sinceDate: DateStr;
  postBefore: Date;
}

/**
 * What the per-account kinds ask of a page of units, in one pass over its accounts: each part is null when its kind
 * does not apply today. `period` is the period of that kind's reminders, to tell which are recorded already.
 */
export interface AccountChecks {
  now: Date;
  units: IdRange;
  /** idle from `warn` on; the kind is `dormant` from `dormant` on, else `idle` */
  idle: { warn: IdleCutoff; dormant: IdleCutoff; period: string } | null;
  /** fewer than `min` posts in [from, to), for accounts that existed the whole week (and are not idle) */
  weekly: { from: Date; to: Date; existedBy: DateStr; min: number; period: string } | null;
  /** the password last confirmed changed (or opened) on or before `sinceDate` */
  password: { sinceDate: DateStr; period: string } | null;
  /**
   * Null: every account with something due, with the tokens of what is recorded. Else only accounts with something
   * not recorded yet, or recorded by one of these sweeps (whose summary is still to come).
   */
  onlyNew: readonly number[] | null;
}

/** An account with at least one reminder due; `*Token` is the sweep that recorded that reminder, null when none did. */
export interface AccountState extends AccountRow {
  lastPostAt: Date | null;
  openedOn: DateStr | null;
  createdAt: Date;
  idle: 'dormant' | 'idle' | null;
  idleToken: number | null;
  /** the posts of the week when fewer than the minimum (null: enough, or not asked) */
  weeklyPosts: number | null;
  weeklyToken: number | null;
  passwordChangedOn: DateStr | null;
  /** the day the rotation is counted from (the last confirmation, else the opening, else registration), when due */
  passwordSince: DateStr | null;
  passwordToken: number | null;
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
  /** the sweep that recorded this reminder for `period`, null when none did */
  token: number | null;
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

/** A reminder as stored: (period, kind, accountId, ref) is its identity (the domain's key). */
export interface ReminderRecord {
  kind: string;
  period: string;
  unitId: number | null;
  accountId: number | null;
  ref: number;
}

/** A reminder recorded already, and the sweep that recorded it. */
export interface RecordedReminder {
  kind: string;
  period: string;
  accountId: number | null;
  ref: number;
  token: number;
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
  /** what its per-account pages were read against (`changes()` at its start and the settings it asked with) */
  basis?: string | null;
}

/** A page of the register: the accounts of units `from` to `to` (ids, inclusive). Per-account queries are asked page by page. */
export interface IdRange {
  from: number;
  to: number;
}

export interface SweepStore {
  /** The smallest and largest unit id, or null when there are no units. */
  unitIds(): Promise<{ min: number; max: number } | null>;
  /** The per-account kinds over a page of units, in one pass: the accounts with something due, by id. */
  accountChecks(p: AccountChecks): Promise<AccountState[]>;
  /** Pending reviews whose deadline or planned publishing time has passed, with the current step's approver. */
  overdueReviews(p: { now: Date }): Promise<ReviewRow[]>;
  /** Targets of open repost tasks due before `until`, not confirmed, on active accounts (`onlyNew`: as for accountChecks). */
  dueReposts(p: {
    now: Date;
    until: Date;
    units: IdRange;
    period: string;
    onlyNew: readonly number[] | null;
  }): Promise<RepostRow[]>;
  /** Every open repost task with how many of its targets are done (for the admins' summary). */
  repostProgress(p: {
    now: Date;
  }): Promise<{ taskId: number; title: string; deadlineAt: Date; done: number; total: number }[]>;
  /** Active accounts whose feed failed at least `minFailures` times in a row. */
  feedProblems(p: { minFailures: number }): Promise<FeedProblemRow[]>;

  /** Every unit's name, by id. */
  unitNames(): Promise<Map<number, string>>;
  /** Accounts per (name, platform) for these names (any status), for unambiguous account references. */
  nameCounts(names: readonly string[]): Promise<NameCount[]>;

  /** Every bound work group and liaison, and the people asked for. */
  contacts(personIds: readonly number[]): Promise<Contacts>;

  /** The reminders of these kinds recorded for these periods (the kinds that are not asked page by page: few). */
  recorded(periods: readonly string[], kinds: readonly string[]): Promise<RecordedReminder[]>;
  /**
   * Record reminders as sent. The commit fails with ConflictError if any of them was recorded meanwhile.
   * `token`: the sweep that records them page by page, whose summary (its last commit, or a later sweep's) will count
   * them; 1 when they are counted in this very commit.
   */
  record(reminders: readonly ReminderRecord[], at: Date, token?: number): Writes;
  /** Sweeps that recorded reminders no admins' summary has counted yet: token → how many. */
  unsummarized(): Promise<Map<number, number>>;
  /** These sweeps' reminders are counted now; the commit fails with ConflictError unless they still hold exactly `expected`. */
  summarized(tokens: readonly number[], expected: number): Writes;
  /** Forget reminders whose period (a day `2026-11-20` or an ISO week `2026-W47`) is before this day's. */
  prune(before: DateStr, beforeWeek: string): Writes;

  recordRun(run: SweepRun): Writes;
  /** How many changes the tables the per-account pages read have seen (kept by triggers): read before the pages. */
  changes(): Promise<number>;
  /**
   * Whether a sweep of `runDate` completed with this `basis` as of a moment no later than `now`, and no account or
   * repost task was created after that moment: then the per-account pages would find nothing it did not.
   */
  unchangedSince(runDate: DateStr, basis: string, now: Date): Promise<boolean>;
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
