/**
 * Storage the calendar's admin commands need beyond `Store.calendar`: the open deadlines a calendar change may move
 * (pending reviews, open repost tasks, recent filings) and pasted holiday notices waiting for confirmation.
 */
import type { NoticeDay } from '../domain/holiday-notice.js';
import type { DateStr } from '../domain/time.js';
import type { Write } from './write.js';

export interface OpenReviewDeadline {
  id: number;
  title: string;
  unitId: number;
  requesterId: number;
  createdAt: Date;
  deadlineAt: Date;
}

export interface OpenTaskDeadline {
  id: number;
  title: string;
  createdAt: Date;
  deadlineAt: Date;
}

export interface FilingDeadline {
  id: number;
  unitId: number;
  accountName: string;
  eventDate: DateStr;
  dueDate: DateStr;
  filedAt: Date;
  late: boolean;
  filedBy: number | null;
}

export type HolidayImportStatus = 'pending' | 'applied' | 'cancelled';

export interface HolidayImport {
  id: number;
  year: number;
  days: NoticeDay[];
  status: HolidayImportStatus;
  createdBy: number | null;
  createdAt: Date;
}

export interface CalendarAdminStore {
  /** pending reviews that have a deadline */
  openReviews(): Promise<OpenReviewDeadline[]>;
  /** open repost tasks */
  openTasks(): Promise<OpenTaskDeadline[]>;
  /** filings (not voided or rejected) whose due date is on or after `since` */
  filingsDueSince(since: DateStr): Promise<FilingDeadline[]>;
  setReviewDeadline(id: number, at: Date): Write;
  setTaskDeadline(id: number, at: Date): Write;
  reviseFiling(id: number, dueDate: DateStr, late: boolean): Write;

  insertImport(i: HolidayImport): Write;
  importById(id: number): Promise<HolidayImport | null>;
  /** the newest pending import */
  latestPendingImport(): Promise<HolidayImport | null>;
  /** pending → applied/cancelled; the commit fails (ConflictError) when it is no longer pending */
  decideImport(id: number, status: Exclude<HolidayImportStatus, 'pending'>, at: Date): Write[];
}
