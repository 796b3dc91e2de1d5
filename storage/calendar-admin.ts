/** The calendar admin commands' storage (src/ports/calendar-admin.ts). */
import { and, asc, desc, eq, gte, inArray, notInArray } from 'drizzle-orm';
import type { NoticeDay } from '../src/domain/holiday-notice.js';
import type { CalendarAdminStore, HolidayImport } from '../src/ports/calendar-admin.js';
import type { Db } from './executor/types.js';
import * as t from './schema.js';
import { guardChanged, w } from './write.js';

const toImport = (r: typeof t.holidayImports.$inferSelect): HolidayImport => ({
  id: r.id,
  year: r.year,
  days: r.days as NoticeDay[],
  status: r.status as HolidayImport['status'],
  createdBy: r.createdBy,
  createdAt: new Date(r.createdAt),
});

export function createCalendarAdminStore(db: Db): CalendarAdminStore {
  return {
    async openReviews() {
      const rows = await db.select().from(t.reviews).where(eq(t.reviews.status, 'pending')).orderBy(asc(t.reviews.id));
      return rows.flatMap((r) =>
        r.deadlineAt === null
          ? []
          : [
              {
                id: r.id,
                title: r.title,
                unitId: r.unitId,
                requesterId: r.requesterId,
                createdAt: new Date(r.createdAt),
                deadlineAt: new Date(r.deadlineAt),
              },
            ],
      );
    },
    async openTasks() {
      const rows = await db
        .select()
        .from(t.repostTasks)
        .where(eq(t.repostTasks.status, 'open'))
        .orderBy(asc(t.repostTasks.id));
      return rows.map((r) => ({
        id: r.id,
        title: r.title,
        createdAt: new Date(r.createdAt),
        deadlineAt: new Date(r.deadlineAt),
      }));
    },
    async filingsDueSince(since) {
      const rows = await db
        .select({ f: t.filings, accountName: t.accounts.name })
        .from(t.filings)
        .innerJoin(t.accounts, eq(t.accounts.id, t.filings.accountId))
        .where(and(gte(t.filings.dueDate, since), notInArray(t.filings.status, ['rejected', 'voided'])))
        .orderBy(asc(t.filings.id));
      return rows.map(({ f, accountName }) => ({
        id: f.id,
        unitId: f.unitId,
        accountName,
        eventDate: f.eventDate,
        dueDate: f.dueDate,
        filedAt: new Date(f.filedAt),
        late: f.late,
        filedBy: f.filedBy,
      }));
    },
    setReviewDeadline(id, at) {
      return w(
        'calendar.review_deadline',
        db.update(t.reviews).set({ deadlineAt: at.getTime() }).where(eq(t.reviews.id, id)),
      );
    },
    setTaskDeadline(id, at) {
      return w(
        'calendar.task_deadline',
        db.update(t.repostTasks).set({ deadlineAt: at.getTime() }).where(eq(t.repostTasks.id, id)),
      );
    },
    reviseFiling(id, dueDate, late) {
      return w('calendar.filing_due', db.update(t.filings).set({ dueDate, late }).where(eq(t.filings.id, id)));
    },

    insertImport(i) {
      return w(
        'calendar.import_insert',
        db.insert(t.holidayImports).values({
          id: i.id,
          year: i.year,
          days: i.days,
          status: i.status,
          createdBy: i.createdBy,
          createdAt: i.createdAt.getTime(),
          decidedAt: null,
        }),
      );
    },
    async importById(id) {
      const [r] = await db.select().from(t.holidayImports).where(eq(t.holidayImports.id, id));
      return r ? toImport(r) : null;
    },
    async latestPendingImport() {
      const [r] = await db
        .select()
        .from(t.holidayImports)
        .where(eq(t.holidayImports.status, 'pending'))
        .orderBy(desc(t.holidayImports.id))
        .limit(1);
      return r ? toImport(r) : null;
    },
    decideImport(id, status, at) {
      return [
        w(
          'calendar.import_decide',
          db
            .update(t.holidayImports)
            .set({ status, decidedAt: at.getTime() })
            .where(and(eq(t.holidayImports.id, id), inArray(t.holidayImports.status, ['pending']))),
        ),
        guardChanged('calendar.import_decide'),
      ];
    },
  };
}
