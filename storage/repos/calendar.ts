/** The calendar repository (`Store['calendar']`): overrides of the official working-day calendar. */
import { asc, eq } from 'drizzle-orm';
import type { CalendarOverride } from '../../src/domain/calendar.js';
import type { Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { lazy, ms } from './rows.js';

export function createCalendarRepo(db: Db): Store['calendar'] {
  const overridesByDate = lazy(() =>
    db.select().from(t.calendarOverrides).orderBy(asc(t.calendarOverrides.date)).prepare(),
  );
  return {
    async overrides() {
      const rows = await overridesByDate().all();
      return rows.map(
        (r): CalendarOverride => ({ date: r.date, kind: r.kind as CalendarOverride['kind'], note: r.note }),
      );
    },
    upsert(o, by, at) {
      return w(
        'calendar.upsert',
        db
          .insert(t.calendarOverrides)
          .values({ date: o.date, kind: o.kind, note: o.note ?? null, createdBy: by, createdAt: ms(at) })
          .onConflictDoUpdate({
            target: t.calendarOverrides.date,
            set: { kind: o.kind, note: o.note ?? null, createdBy: by, createdAt: ms(at) },
          }),
      );
    },
    remove(d) {
      return w('calendar.remove', db.delete(t.calendarOverrides).where(eq(t.calendarOverrides.date, d)));
    },
  };
}
