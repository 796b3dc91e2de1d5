/**
 * The Chinese working-day calendar: the official holidays and 调休 make-up days from the `chinese-days` data,
 * plus overrides an admin adds (`/节假日 新增 2027-01-01 休`). A pure function of its data.
 *
 * Coverage is a property of each day's source, not of the year: a day is decided by an admin's entry for that day
 * ('override'), by an imported State Council notice for its year ('notice': the notice lists the days off and the
 * make-up days; every other day of that year is Monday–Friday), by the package data for its year ('official'), or by
 * the Monday–Friday fallback when none of these knows the year ('weekday-fallback'). One admin entry for 2027-01-01
 * says nothing about 2027-02-11. Every result that relied on a fallback day says so (`fallbackYears`).
 */
import { addDays, type DateStr, weekday, year } from './time.js';

export type OverrideKind = 'workday' | 'holiday';
export interface CalendarOverride {
  date: DateStr;
  kind: OverrideKind;
  note?: string | null;
  /** set when the day came from an imported holiday notice for that year (the notice then covers the whole year) */
  noticeYear?: number | null;
}

export interface CalendarData {
  /** date → description, e.g. "National Day,国庆节,3" */
  holidays: Readonly<Record<string, string>>;
  /** make-up working days (调休上班) */
  workdays: Readonly<Record<string, string>>;
}

export type DayBasis = 'override' | 'notice' | 'official' | 'weekday-fallback';

export interface DayInfo {
  date: DateStr;
  workday: boolean;
  basis: DayBasis;
  /** holiday or make-up day name in Chinese, or the override's note */
  name: string | null;
}

export interface WorkdayResult {
  date: DateStr;
  /** years whose days were counted Monday–Friday because neither the data nor an override covers them */
  fallbackYears: number[];
}

/** The years a data set covers, computed once per data set. */
const yearsOf = new WeakMap<CalendarData, Set<number>>();
function dataYears(data: CalendarData): Set<number> {
  let ys = yearsOf.get(data);
  if (!ys) {
    ys = new Set([...Object.keys(data.holidays), ...Object.keys(data.workdays)].map((d) => year(d)));
    yearsOf.set(data, ys);
  }
  return ys;
}

export class WorkCalendar {
  private readonly overrides: Map<DateStr, CalendarOverride>;
  private readonly dataYears: Set<number>;
  private readonly noticeYears: Set<number>;

  constructor(
    private readonly data: CalendarData,
    overrides: readonly CalendarOverride[] = [],
  ) {
    this.overrides = new Map(overrides.map((o) => [o.date, o]));
    this.dataYears = dataYears(data);
    this.noticeYears = new Set(overrides.flatMap((o) => (o.noticeYear != null ? [o.noticeYear] : [])));
  }

  withOverrides(overrides: readonly CalendarOverride[]): WorkCalendar {
    return new WorkCalendar(this.data, overrides);
  }

  /**
   * Is the whole year known, from the package data or an imported notice? Single admin entries do not count: they
   * decide their own day only.
   */
  covers(y: number): boolean {
    return this.dataYears.has(y) || this.noticeYears.has(y);
  }

  /** Years covered by an imported notice, ascending. */
  importedYears(): number[] {
    return [...this.noticeYears].sort((a, b) => a - b);
  }

  /** Years the official data covers, ascending. */
  officialYears(): number[] {
    return [...this.dataYears].sort((a, b) => a - b);
  }

  day(date: DateStr): DayInfo {
    const o = this.overrides.get(date);
    if (o)
      return {
        date,
        workday: o.kind === 'workday',
        basis: o.noticeYear != null ? 'notice' : 'override',
        name: o.note ?? null,
      };
    const wd = weekday(date);
    const weekdayWork = wd !== 0 && wd !== 6;
    const y = year(date);
    if (this.noticeYears.has(y)) return { date, workday: weekdayWork, basis: 'notice', name: null };
    if (!this.dataYears.has(y)) return { date, workday: weekdayWork, basis: 'weekday-fallback', name: null };
    const h = this.data.holidays[date];
    if (h !== undefined) return { date, workday: false, basis: 'official', name: chineseName(h) };
    const w = this.data.workdays[date];
    if (w !== undefined) return { date, workday: true, basis: 'official', name: `${chineseName(w) ?? ''}调休上班` };
    return { date, workday: weekdayWork, basis: 'official', name: null };
  }

  isWorkday(date: DateStr): boolean {
    return this.day(date).workday;
  }

  /**
   * The n-th working day after `date` (n ≥ 1). With n = 0: `date` itself if it is a working day, else the next one
   * ("the same working day").
   */
  addWorkdays(date: DateStr, n: number): WorkdayResult {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkdays: n must be a whole number ≥ 0, got ${n}`);
    const fallback = new Set<number>();
    const note = (d: DateStr): boolean => {
      const info = this.day(d);
      if (info.basis === 'weekday-fallback') fallback.add(year(d));
      return info.workday;
    };
    let d = date;
    if (n === 0) {
      // Bounded: no real calendar has a year without working days; stop after two years whatever the overrides say.
      for (let i = 0; i < 732 && !note(d); i++) d = addDays(d, 1);
      return { date: d, fallbackYears: [...fallback].sort() };
    }
    let left = n;
    for (let i = 0; i < 732 * Math.max(1, n) && left > 0; i++) {
      d = addDays(d, 1);
      if (note(d)) left--;
    }
    return { date: d, fallbackYears: [...fallback].sort() };
  }

  /**
   * How many working days `today` is past `due` ("逾期 N 个工作日"): the working days after `due` up to and including
   * `today`, with the years that relied on the fallback.
   */
  workdaysLate(due: DateStr, today: DateStr): { days: number; fallbackYears: number[] } {
    const fallback = new Set<number>();
    let days = 0;
    for (let d = addDays(due, 1); d <= today; d = addDays(d, 1)) {
      const info = this.day(d);
      if (info.basis === 'weekday-fallback') fallback.add(year(d));
      if (info.workday) days++;
    }
    return { days, fallbackYears: [...fallback].sort() };
  }

  /** Working days after `from` up to and including `to` (0 when to ≤ from). */
  workdaysBetween(from: DateStr, to: DateStr): number {
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkday(d)) count++;
    return count;
  }
}

function chineseName(desc: string): string | null {
  // "National Day,国庆节,3" → "国庆节"
  const parts = desc.split(',');
  return parts[1] ?? parts[0] ?? null;
}

/** The sentence a reply adds when a result relied on the Monday–Friday fallback. */
export function fallbackNotice(years: readonly number[]): string | null {
  if (years.length === 0) return null;
  return `注意：${years.join('、')} 年的法定节假日安排尚未收录，期限按周一至周五推算；管理员可用 /节假日 导入 粘贴国务院办公厅的节假日安排通知。`;
}
