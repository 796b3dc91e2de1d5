/**
 * The daily reminders, as plain data: what a reminder is (a key, who is told, the line that says what to do), the
 * periods that make each one "once", the working-day rules of the sweep, and the messages a sweep's findings become.
 * No I/O here; the sweep (src/jobs/sweep.ts) finds the rows and queues the messages.
 */
import type { WorkCalendar } from './calendar.js';
import { platformName } from './platforms.js';
import type { Reply } from './reply.js';
import { addDays, type DateStr, daysBetween, mondayOf, shanghaiInstant, weekday, year } from './time.js';

export type ReminderSeverity = 'alert' | 'warning' | 'notice';

export interface ReminderItem {
  /** kind:subject:period, e.g. `dormant:A12:2026-11-20`; a key is sent once */
  key: string;
  kind: string;
  period: string;
  unitId: number | null;
  unitName: string | null;
  accountId: number | null;
  /**
   * What else the subject names: the repost task (`T3:A12`), the review (`R5`), the year (`2027`); 0 when the
   * account alone is the subject. (kind, accountId, ref, period) is the reminder in storage, as the key is here.
   */
  ref: number;
  severity: ReminderSeverity;
  /** the line in the unit's digest (work group and liaisons); null when the unit is not told */
  unitLine: string | null;
  /** direct lines to people (a review's requester and its current approver) */
  personLines: { personId: number; line: string }[];
  /** a detail line in the admins' summary; null when the summary only counts it */
  adminLine: string | null;
}

export const reminderKey = (kind: string, subject: string, period: string): string => `${kind}:${subject}:${period}`;

/** ISO 8601 week of a day, `2026-W47` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(date: DateStr): string {
  const thursday = addDays(mondayOf(date), 3);
  const y = year(thursday);
  const week = Math.floor(daysBetween(`${y}-01-01`, thursday) / 7) + 1;
  return `${y}-W${String(week).padStart(2, '0')}`;
}

/** The first working day of the ISO week that holds `date` (e.g. the Tuesday after a Monday holiday); null if none. */
export function firstWorkdayOfWeek(calendar: WorkCalendar, date: DateStr): DateStr | null {
  const monday = mondayOf(date);
  for (let i = 0; i < 7; i++) {
    const d = addDays(monday, i);
    if (calendar.isWorkday(d)) return d;
  }
  return null;
}

/** The Monday–Sunday week before the one that holds `date`, as days and as instants [from, to). */
export function previousWeek(date: DateStr): { monday: DateStr; sunday: DateStr; from: Date; to: Date; label: string } {
  const monday = addDays(mondayOf(date), -7);
  const sunday = addDays(monday, 6);
  return {
    monday,
    sunday,
    from: shanghaiInstant(monday),
    to: shanghaiInstant(addDays(monday, 7)),
    label: isoWeek(monday),
  };
}

/** Does the daily sweep run on this day? Working days only, unless the 每天提醒 setting says every day. */
export function isRemindDay(calendar: WorkCalendar, date: DateStr, remindAllDays: boolean): boolean {
  return remindAllDays || calendar.isWorkday(date);
}

/** `09:00` on a day, as an instant. */
export function remindInstant(date: DateStr, remindTime: string): Date {
  const [h, m] = remindTime.split(':').map(Number) as [number, number];
  return shanghaiInstant(date, h, m);
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];
export const weekdayName = (date: DateStr): string => `周${WEEKDAYS[weekday(date)]}`;

/**
 * How users name an account in a command: its name when no other account has it, else the name and the platform,
 * else its id (A12), so the command in a reminder always finds exactly this account.
 */
export function accountRef(a: {
  id: number;
  name: string;
  platform: string;
  sameName: number;
  sameNamePlatform: number;
}): string {
  if (/\s|=/.test(a.name)) return `A${a.id}`;
  if (a.sameName <= 1) return a.name;
  if (a.sameNamePlatform <= 1) return `${a.name} 平台=${platformName(a.platform)}`;
  return `A${a.id}`;
}

/** `accountRef` over a register's name counts, loaded once per sweep (refs are cached per name and platform). */
export function accountRefs(
  counts: readonly { name: string; platform: string; accounts: number }[],
): (id: number, name: string, platform: string) => string {
  const byName = new Map<string, { total: number; platforms: Map<string, number>; refs: Map<string, string> }>();
  for (const c of counts) {
    let entry = byName.get(c.name);
    if (!entry) byName.set(c.name, (entry = { total: 0, platforms: new Map(), refs: new Map() }));
    entry.total += c.accounts;
    entry.platforms.set(c.platform, c.accounts);
  }
  return (id, name, platform) => {
    const entry = byName.get(name);
    if (!entry) return accountRef({ id, name, platform, sameName: 1, sameNamePlatform: 1 });
    let ref = entry.refs.get(platform);
    if (ref === undefined) {
      ref = accountRef({
        id: 0,
        name,
        platform,
        sameName: entry.total,
        sameNamePlatform: entry.platforms.get(platform) ?? 1,
      });
      entry.refs.set(platform, ref);
    }
    return ref === 'A0' ? `A${id}` : ref;
  };
}

/** The short direct message a liaison gets when the unit's digest went to its work group. */
export function liaisonPointer(
  unitName: string,
  today: DateStr,
  sections: readonly DigestSection[],
  groups: readonly string[],
  urgent: boolean,
): Reply {
  return {
    title: `${unitName} 今日提醒（${today} ${weekdayName(today)}）`,
    tone: urgent ? 'warning' : 'info',
    blocks: [
      { type: 'list', items: sections.map((s) => `${s.heading}：${s.total ?? s.lines.length} 项`) },
      { type: 'note', text: `明细已发至${groups.join('、')}，请督促办理。` },
    ],
  };
}

/**
 * A short, stable digest of a set of keys: the same items make the same message key, in any order. Each key is hashed
 * (FNV-1a and a second multiplier, 2 × 32 bits) and the hashes are summed, so no sorting is needed — and the digest
 * can be added up key by key (`KeysDigest`) without keeping the keys.
 */
export function keysDigest(keys: readonly string[]): string {
  const d = new KeysDigest();
  for (const k of keys) d.add(k);
  return d.value();
}

/** `keysDigest`, one key at a time: `value()` is `keysDigest` of every key added. */
export class KeysDigest {
  private n = 0;
  private s1 = 0;
  private s2 = 0;

  add(k: string): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x5bd1e995;
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    this.n++;
    this.s1 = (this.s1 + (h1 >>> 0)) >>> 0;
    this.s2 = (this.s2 + ((h2 ^ (h2 >>> 15)) >>> 0)) >>> 0;
  }

  value(): string {
    const s1 = (this.s1 + (this.n >>> 0)) >>> 0;
    return s1.toString(16).padStart(8, '0') + this.s2.toString(16).padStart(8, '0');
  }
}

// ------------------------------------------------------------------------------------------------ messages

/** One group of lines in a digest: a kind's heading and its items. */
export interface DigestSection {
  heading: string;
  lines: string[];
  /** how many items the section has; when set, `lines` are the ones chosen to be shown (all of them are) */
  total?: number;
}

/** A section without a `total` shows this many lines, then how many more there are; the admins' summary shows as many. */
export const MAX_LINES_PER_SECTION = 20;
/**
 * A unit's digest shows this many lines of a kind — what a liaison reads in a chat — then how many more there are
 * (the register has them all); a kind whose every item must be named (僵尸 accounts, 兴国 六) shows every line.
 */
export const MAX_UNIT_LINES = 5;

function sectionBlocks(sections: readonly DigestSection[]): Reply['blocks'] {
  const blocks: Reply['blocks'] = [];
  for (const s of sections) {
    const total = Math.max(s.total ?? 0, s.lines.length);
    if (total === 0) continue;
    const shown = s.total === undefined ? s.lines.slice(0, MAX_LINES_PER_SECTION) : s.lines;
    const more = total - shown.length;
    blocks.push({ type: 'text', text: `${s.heading}：${total} 项` });
    blocks.push({ type: 'list', items: more > 0 ? [...shown, `…另有 ${more} 条，发送 /账号 查看台账`] : shown });
  }
  return blocks;
}

/** The digest a unit's work group (and its liaisons) receives. */
export function unitDigest(
  unitName: string,
  today: DateStr,
  sections: readonly DigestSection[],
  urgent: boolean,
  remindTime: string,
): Reply {
  return {
    title: `${unitName} 今日提醒（${today} ${weekdayName(today)}）`,
    tone: urgent ? 'warning' : 'info',
    blocks: [
      ...sectionBlocks(sections),
      {
        type: 'note',
        text: `每个工作日 ${remindTime} 提醒一次，已办的不再提醒；发布信息后请用 /更新 登记（设有订阅源的账号自动记录）。`,
      },
    ],
  };
}

/** A direct message to one person (reviews waiting on them, or theirs waiting on others). */
export function personDigest(today: DateStr, lines: readonly string[]): Reply {
  return { title: `审核提醒（${today}）`, tone: 'warning', blocks: [{ type: 'list', items: [...lines] }] };
}

export interface AdminSummaryInput {
  today: DateStr;
  /** kind label → number of new items */
  counts: { label: string; count: number; units: number }[];
  details: DigestSection[];
  /** units and people the sweep could not reach */
  unreachable: string[];
}

/** The one summary the admins receive per sweep. */
export function adminSummary(input: AdminSummaryInput): Reply {
  const blocks: Reply['blocks'] = [];
  const counted = input.counts.filter((c) => c.count > 0);
  if (counted.length) {
    blocks.push({
      type: 'fields',
      fields: counted.map((c) => ({
        label: c.label,
        value: c.units > 0 ? `${c.count} 项（${c.units} 个单位）` : `${c.count} 项`,
      })),
    });
  }
  blocks.push(...sectionBlocks(input.details));
  if (input.unreachable.length) {
    blocks.push(...sectionBlocks([{ heading: '无人接收提醒（请绑定工作群或登记联络员）', lines: input.unreachable }]));
  }
  blocks.push({ type: 'note', text: '各单位的明细已发至其工作群和联络员；发送 /提醒 预览 可查看将要发送的内容。' });
  return { title: `每日提醒汇总（${input.today} ${weekdayName(input.today)}）`, tone: 'info', blocks };
}
