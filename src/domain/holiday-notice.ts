/**
 * Reading the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知) into calendar days.
 *
 * The notice lists, per festival, the days off ("2月15日（周日）至23日（周一）放假调休，共9天") and the make-up working
 * days ("2月14日（周六）、2月28日（周六）上班"). Every other day of that year is a working day Monday–Friday.
 * A pure function of the text: full-width and half-width punctuation are read alike, the weekday written next to a date
 * is checked against the calendar, "共N天" against the range, and anything that is not a day off or a working day
 * ("鼓励……在除夕（2月9日）休息") is reported as not counted instead of being guessed at.
 */
import { addDays, type DateStr, makeDate, weekday } from './time.js';

export type NoticeDayKind = 'holiday' | 'workday';

export interface NoticeDay {
  date: DateStr;
  kind: NoticeDayKind;
  /** the festival heading it was listed under, e.g. "春节", "国庆节、中秋节" */
  festival: string;
}

export interface NoticeFestival {
  name: string;
  holidays: DateStr[];
  workdays: DateStr[];
}

export interface ParsedNotice {
  year: number;
  /** how the year was found: written in the text, given by the caller, or inferred from the weekdays written */
  yearFrom: 'text' | 'given' | 'weekdays';
  festivals: NoticeFestival[];
  /** every listed day, in date order */
  days: NoticeDay[];
  /** things that look wrong (weekday or day count that does not match); the preview shows them */
  problems: string[];
  /** sentences mentioning a date that were deliberately not counted */
  ignored: string[];
}

export type NoticeResult = { ok: true; notice: ParsedNotice } | { ok: false; error: string };

const FESTIVALS = [
  '元旦',
  '春节',
  '清明节',
  '清明',
  '劳动节',
  '五一',
  '端午节',
  '端午',
  '中秋节',
  '中秋',
  '国庆节',
  '国庆',
];
const NAME = `(?:${FESTIVALS.join('|')})`;
const HEADER_RE = new RegExp(`(?:[一二三四五六七八九十]+、)?(${NAME}(?:[、和及]${NAME})*)\\s*:`, 'g');
/** a date as written: 2024年12月30日, 1月28日, 23日; optionally followed by "(农历除夕、周二)" */
const DATE_RE = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\s*\(([^()]*)\))?/g;
const WEEKDAY_RE = /(?:周|星期|礼拜)([日天一二三四五六])/;
const WEEKDAYS: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const END_RE = /(节假日期间|鼓励单位和个人|国务院办公厅\s*\d{4}年)/;

interface DateTok {
  y: number | null;
  m: number | null;
  d: number;
  wd: number | null;
  raw: string;
}

/** Full-width punctuation, digits and spaces folded to their plain forms; 〔〕 left alone. */
function fold(text: string): string {
  return text.normalize('NFKC').replace(/\r\n?/g, '\n');
}

function noticeYearOf(text: string): number | null {
  const m = /(\d{4})\s*年\s*(?:部分节假日|元旦|节假日)/.exec(text) ?? /关于\s*(\d{4})\s*年/.exec(text);
  return m ? Number(m[1]) : null;
}

interface Piece {
  heading: string;
  body: string;
}

function pieces(text: string): Piece[] {
  const end = END_RE.exec(text);
  const body = end ? text.slice(0, end.index) : text;
  const heads = [...body.matchAll(HEADER_RE)];
  return heads.map((h, i) => ({
    heading: h[1]!.replace(/[和及]/g, '、'),
    body: body.slice(h.index! + h[0].length, i + 1 < heads.length ? heads[i + 1]!.index : body.length).trim(),
  }));
}

interface Clause {
  text: string;
  dates: DateTok[];
}

/** Split a festival's text into clauses (on 。 ， ； and newlines) with their dates, parentheses kept inside. */
function clauses(body: string): Clause[] {
  const out: Clause[] = [];
  let depth = 0;
  let cur = '';
  const flush = (): void => {
    const t = cur.trim();
    cur = '';
    if (!t) return;
    const dates = [...t.matchAll(DATE_RE)].map((m): DateTok => {
      const ann = m[4] ?? '';
      const w = WEEKDAY_RE.exec(ann);
      return {
        y: m[1] ? Number(m[1]) : null,
        m: m[2] ? Number(m[2]) : null,
        d: Number(m[3]),
        wd: w ? (WEEKDAYS[w[1]!] ?? null) : null,
        raw: m[0],
      };
    });
    out.push({ text: t, dates });
  };
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (ch === '。' || ch === ',' || ch === ';' || ch === '\n')) flush();
    else cur += ch;
  }
  flush();
  return out;
}

/** Resolve written dates in order: a date without a month takes the previous one's month (and year). */
function resolve(
  toks: readonly DateTok[],
  y: number,
  state: { m: number | null; y: number },
): { date: DateStr; tok: DateTok }[] | string {
  const out: { date: DateStr; tok: DateTok }[] = [];
  for (const t of toks) {
    const m = t.m ?? state.m;
    if (m === null) return `「${t.raw}」没有写月份`;
    const yy = t.y ?? (t.m === null ? state.y : y);
    const date = makeDate(yy, m, t.d);
    if (!date) return `「${t.raw}」不是有效日期`;
    state.m = m;
    state.y = yy;
    out.push({ date, tok: t });
  }
  return out;
}

function weekdayName(n: number): string {
  return `周${'日一二三四五六'[n]}`;
}

function parseFor(
  text: string,
  y: number,
): { festivals: NoticeFestival[]; problems: string[]; ignored: string[]; weekdayMisses: number } {
  const festivals: NoticeFestival[] = [];
  const problems: string[] = [];
  const ignored: string[] = [];
  let weekdayMisses = 0;
  for (const p of pieces(text)) {
    const f: NoticeFestival = { name: p.heading, holidays: [], workdays: [] };
    // the first date of a festival without a year: a December date in a January festival belongs to the year before
    const state = { m: null as number | null, y };
    let expectCount: number | null = null;
    let rangeCount = 0;
    for (const c of clauses(p.body)) {
      const count = /共\s*(\d+)\s*天/.exec(c.text);
      if (count) expectCount = Number(count[1]);
      if (c.dates.length === 0) continue;
      const firstMonth = c.dates[0]!.m;
      if (p.heading.includes('元旦') && firstMonth === 12 && c.dates[0]!.y === null) state.y = y - 1;
      const r = resolve(c.dates, y, state);
      if (typeof r === 'string') {
        problems.push(`${p.heading}：${r}`);
        continue;
      }
      for (const { date, tok } of r) {
        if (tok.wd !== null && tok.wd !== weekday(date)) {
          weekdayMisses++;
          problems.push(
            `${p.heading}：${tok.raw} 写的是${weekdayName(tok.wd)}，但 ${date} 是${weekdayName(weekday(date))}`,
          );
        }
      }
      const off = /放假|休假/.test(c.text);
      const work = /上班/.test(c.text);
      if (off && !work) {
        if (/至|到|—|-|~|～/.test(c.text) && r.length === 2) {
          const [a, b] = [r[0]!.date, r[1]!.date];
          if (b < a) {
            problems.push(`${p.heading}：${a} 至 ${b} 的起止顺序不对`);
            continue;
          }
          for (let d = a; d <= b; d = addDays(d, 1)) f.holidays.push(d);
          rangeCount += 1 + Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
        } else {
          for (const x of r) f.holidays.push(x.date);
          rangeCount += r.length;
        }
      } else if (work && !off) {
        for (const x of r) {
          f.workdays.push(x.date);
          const wd = weekday(x.date);
          if (wd !== 0 && wd !== 6)
            problems.push(`${p.heading}：${noticeDateLabel(x.date)}本来就是工作日，却列为调休上班，请核对原文`);
        }
      } else {
        ignored.push(`${p.heading}：${c.text}`);
      }
    }
    if (expectCount !== null && expectCount !== rangeCount)
      problems.push(`${p.heading}：写明共 ${expectCount} 天，但列出的放假日期是 ${rangeCount} 天`);
    if (f.holidays.length === 0 && f.workdays.length === 0) problems.push(`${p.heading}：没有读到放假或上班日期`);
    festivals.push(f);
  }
  return { festivals, problems, ignored, weekdayMisses };
}

/**
 * Parse a notice's text. The year comes from the text ("关于2027年部分节假日安排", "现将2027年元旦……"), else `opts.year`,
 * else the one year among `opts.candidates` whose weekdays match every weekday written next to a date.
 */
export function parseHolidayNotice(
  text: string,
  opts: { year?: number; candidates?: readonly number[] } = {},
): NoticeResult {
  const folded = fold(text);
  if (pieces(folded).length === 0) {
    return { ok: false, error: '没有读到节日安排：请粘贴通知中“一、元旦：1月1日（周五）放假，共1天。”这样的条目。' };
  }
  let year = noticeYearOf(folded);
  let yearFrom: ParsedNotice['yearFrom'] = 'text';
  if (year === null && opts.year !== undefined) {
    year = opts.year;
    yearFrom = 'given';
  }
  if (year === null) {
    const fits = (opts.candidates ?? []).filter((y) => {
      const r = parseFor(folded, y);
      return r.weekdayMisses === 0 && r.festivals.some((f) => f.holidays.length > 0);
    });
    const hasWeekdays = WEEKDAY_RE.test(folded);
    if (fits.length !== 1 || !hasWeekdays) {
      return { ok: false, error: '通知里没有写年份（如“现将2027年元旦、春节……”），请把标题或第一段一并粘贴。' };
    }
    year = fits[0]!;
    yearFrom = 'weekdays';
  }
  const r = parseFor(folded, year);
  const byDate = new Map<DateStr, NoticeDay>();
  for (const f of r.festivals) {
    for (const d of f.holidays) {
      const prev = byDate.get(d);
      if (prev && prev.kind !== 'holiday') r.problems.push(`${d} 既列为放假又列为上班`);
      byDate.set(d, { date: d, kind: 'holiday', festival: f.name });
    }
    for (const d of f.workdays) {
      const prev = byDate.get(d);
      if (prev && prev.kind !== 'workday') r.problems.push(`${d} 既列为放假又列为上班`);
      byDate.set(d, { date: d, kind: 'workday', festival: f.name });
    }
  }
  const days = [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  return {
    ok: true,
    notice: { year, yearFrom, festivals: r.festivals, days, problems: r.problems, ignored: r.ignored },
  };
}

/** "2月15日（周日）" for a date. */
export function noticeDateLabel(date: DateStr): string {
  return `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日（${weekdayName(weekday(date))}）`;
}

/** One line per festival, as the preview shows it: "春节：2月15日（周日）至2月23日（周一）放假，共9天；2月14日（周六）、2月28日（周六）上班". */
export function festivalLine(f: NoticeFestival): string {
  const runs: string[] = [];
  const hs = [...f.holidays].sort();
  for (let i = 0; i < hs.length; ) {
    let j = i;
    while (j + 1 < hs.length && hs[j + 1] === addDays(hs[j]!, 1)) j++;
    runs.push(i === j ? noticeDateLabel(hs[i]!) : `${noticeDateLabel(hs[i]!)}至${noticeDateLabel(hs[j]!)}`);
    i = j + 1;
  }
  const parts = [`${runs.join('、')}放假，共${hs.length}天`];
  if (f.workdays.length) parts.push(`${[...f.workdays].sort().map(noticeDateLabel).join('、')}上班`);
  return `${f.name}：${parts.join('；')}`;
}
