/**
 * How long an account has been idle, in Asia/Shanghai calendar days: the one definition the register (/账号), the
 * daily reminders and their SQL share (national inspection: 2 weeks without a post is a "僵尸" account; 兴国 六: 15 days).
 */
import { addDays, type DateStr, shanghaiDate, shanghaiInstant } from './time.js';

export interface ActivityFacts {
  lastPostAt: Date | null;
  openedOn: DateStr | null;
  createdAt: Date;
}

/** The day idleness is counted from: the last post's day, else the opening date, else the day it was registered. */
export function idleSince(a: ActivityFacts): DateStr {
  return a.lastPostAt ? shanghaiDate(a.lastPostAt) : (a.openedOn ?? shanghaiDate(a.createdAt));
}

const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000;
/** Whole days since 1970-01-01 of a Shanghai calendar day (of an instant, or of a `YYYY-MM-DD`). */
const dayNumber = (d: Date | DateStr): number =>
  typeof d === 'string'
    ? Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / DAY_MS
    : Math.floor((d.getTime() + SHANGHAI_MS) / DAY_MS);

/** Days since the last post (or since opening when there is none): `daysBetween(idleSince(a), today)`, without the strings. */
export function idleDays(a: ActivityFacts, today: DateStr): number {
  return dayNumber(today) - dayNumber(a.lastPostAt ?? a.openedOn ?? a.createdAt);
}

/**
 * The inverse of `idleDays`, for queries: an account is idle for at least `days` days on `today` exactly when its
 * `idleSince` day is on or before `sinceDate`, i.e. when its last post is before `postBefore`.
 */
export function idleCutoff(today: DateStr, days: number): { sinceDate: DateStr; postBefore: Date } {
  const sinceDate = addDays(today, -days);
  return { sinceDate, postBefore: shanghaiInstant(addDays(sinceDate, 1)) };
}
