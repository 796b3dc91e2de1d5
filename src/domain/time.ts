/**
 * Calendar days and instants in Asia/Shanghai, independent of the machine's TZ.
 * China has used UTC+8 without daylight saving since 1991, so a fixed offset is exact.
 */
export type DateStr = string; // 'YYYY-MM-DD'

const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Asia/Shanghai calendar day of an instant. */
export function shanghaiDate(t: Date): DateStr {
  return new Date(t.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** `2026-11-20 09:00` in Asia/Shanghai. */
export function formatShanghai(t: Date): string {
  const iso = new Date(t.getTime() + OFFSET_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** Minutes past midnight in Asia/Shanghai. */
export function shanghaiMinutes(t: Date): number {
  const ms = (t.getTime() + OFFSET_MS) % DAY_MS;
  return Math.floor((ms < 0 ? ms + DAY_MS : ms) / 60_000);
}

/** The instant a Shanghai calendar day starts, plus an optional time of day. */
export function shanghaiInstant(date: DateStr, hours = 0, minutes = 0): Date {
  return new Date(Date.UTC(year(date), month(date) - 1, day(date), hours, minutes) - OFFSET_MS);
}

export function isDateStr(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

export function makeDate(y: number, m: number, d: number): DateStr | null {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return null;
  const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  return isDateStr(s) ? s : null;
}

export function addDays(date: DateStr, n: number): DateStr {
  return new Date(Date.UTC(year(date), month(date) - 1, day(date)) + n * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: DateStr): number {
  return new Date(Date.UTC(year(date), month(date) - 1, day(date))).getUTCDay();
}

/** Whole days from a to b (b - a). */
export function daysBetween(a: DateStr, b: DateStr): number {
  return Math.round((Date.UTC(year(b), month(b) - 1, day(b)) - Date.UTC(year(a), month(a) - 1, day(a))) / DAY_MS);
}

/** Monday of the ISO week that contains the date. */
export function mondayOf(date: DateStr): DateStr {
  return addDays(date, -((weekday(date) + 6) % 7));
}

export function year(date: DateStr): number {
  return Number(date.slice(0, 4));
}
function month(date: DateStr): number {
  return Number(date.slice(5, 7));
}
function day(date: DateStr): number {
  return Number(date.slice(8, 10));
}

/** `2026Q4` style quarter label of a day. */
export function quarterOf(date: DateStr): string {
  return `${year(date)}Q${Math.floor((month(date) - 1) / 3) + 1}`;
}
