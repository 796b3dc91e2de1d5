/**
 * What a calendar change (an admin's day entry, a deleted entry, an imported notice) does to deadlines already
 * computed. A deadline "N working days after `start`" is recognized by the calendar it was computed with: if the old
 * calendar gives `due` as the N-th working day after `start`, the deadline is recomputed with the new calendar; a
 * deadline that was not computed that way (a 截止 someone typed) is left as it is and flagged when its day is no longer
 * a working day.
 */
import type { WorkCalendar } from './calendar.js';
import type { DateStr } from './time.js';

export type DeadlineChange =
  | { kind: 'unchanged' }
  | { kind: 'moved'; from: DateStr; to: DateStr; workdays: number; fallbackYears: number[] }
  /** not a computed deadline, and its day is now a day off */
  | { kind: 'flagged'; due: DateStr };

export function reviseDeadline(
  start: DateStr,
  due: DateStr,
  before: WorkCalendar,
  after: WorkCalendar,
): DeadlineChange {
  if (due < start) return { kind: 'unchanged' };
  const n = before.workdaysBetween(start, due);
  const computed = before.addWorkdays(start, n).date === due;
  if (!computed)
    return after.isWorkday(due) || !before.isWorkday(due) ? { kind: 'unchanged' } : { kind: 'flagged', due };
  const r = after.addWorkdays(start, n);
  if (r.date === due) return { kind: 'unchanged' };
  return { kind: 'moved', from: due, to: r.date, workdays: n, fallbackYears: r.fallbackYears };
}
