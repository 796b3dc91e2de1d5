/**
 * Repost tasks (转载). The rules, from the seeds:
 * - 兴国 三(四): other units' accounts repost major policy items promptly, within one working day at most;
 * - 吉林 二(三): repost the central and provincial governments' major policy items promptly;
 * - 神木 第十三条(二): repost only from Party and government websites and designated official sources, naming the source,
 *   without changing the title or the content.
 */
import type { WorkCalendar } from './calendar.js';
import { type DateStr, shanghaiInstant, shanghaiMinutes } from './time.js';

export type TaskStatus = 'open' | 'closed';

export interface RepostTask {
  id: number;
  title: string;
  url: string;
  note: string | null;
  deadlineAt: Date;
  scope: { units: number[] | 'all'; platforms: string[] | 'all' };
  status: TaskStatus;
  createdBy: number | null;
  createdAt: Date;
  closedAt: Date | null;
}

export interface RepostTarget {
  taskId: number;
  accountId: number;
  unitId: number;
  doneAt: Date | null;
  doneBy: number | null;
  link: string | null;
  late: boolean | null;
  via: 'manual' | 'feed' | null;
}

/** 兴国 三(四): the default deadline is `workdays` working days later, at the same time of day. */
export function repostDeadline(
  now: Date,
  today: DateStr,
  workdays: number,
  calendar: WorkCalendar,
): { at: Date; fallbackYears: number[] } {
  const r = calendar.addWorkdays(today, workdays);
  const minutes = shanghaiMinutes(now);
  return { at: shanghaiInstant(r.date, Math.floor(minutes / 60), minutes % 60), fallbackYears: r.fallbackYears };
}

/**
 * A title reduced to what a repost keeps: no spaces, punctuation, brackets or marks like 【转载】, full-width folded,
 * lower-cased. Reposts may prefix the source (神木 第十三条 requires naming it), so matching allows containment.
 */
export function normalizeTitle(title: string): string {
  return title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[【[(（]\s*(转载|转发|转|重磅|权威发布|关注)\s*[】\])）]/g, '')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Does a post's title show it is this task's repost? Equal after normalizing, or one contains the other (≥ 8 chars). */
export function titleMatches(taskTitle: string, postTitle: string): boolean {
  const a = normalizeTitle(taskTitle);
  const b = normalizeTitle(postTitle);
  if (a.length === 0 || b.length === 0) return false;
  if (a === b) return true;
  const shorter = a.length <= b.length ? a : b;
  const longer = a.length <= b.length ? b : a;
  return [...shorter].length >= 8 && longer.includes(shorter);
}
