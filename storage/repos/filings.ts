/** The filings repository (`Store['filings']`): account filings and their confirmation. */
import { and, asc, desc, eq } from 'drizzle-orm';
import type { Filing } from '../../src/domain/model.js';
import type { Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { guardChanged, w } from '../write.js';
import { date, ms } from './rows.js';

type FilingRow = typeof t.filings.$inferSelect;

const toFiling = (r: FilingRow): Filing => ({
  id: r.id,
  accountId: r.accountId,
  unitId: r.unitId,
  kind: r.kind as Filing['kind'],
  eventDate: r.eventDate,
  dueDate: r.dueDate,
  filedAt: date(r.filedAt),
  late: r.late,
  emergency: r.emergency,
  calendarFallback: r.calendarFallback,
  status: r.status as Filing['status'],
  reason: r.reason,
  changes: r.changes,
  warnings: r.warnings,
  filedBy: r.filedBy,
});

export function createFilingRepo(db: Db): Store['filings'] {
  return {
    async byId(id) {
      const [r] = await db.select().from(t.filings).where(eq(t.filings.id, id));
      return r ? toFiling(r) : null;
    },
    async ofAccount(accountId) {
      return (
        await db.select().from(t.filings).where(eq(t.filings.accountId, accountId)).orderBy(desc(t.filings.id))
      ).map(toFiling);
    },
    async pending() {
      return (
        await db.select().from(t.filings).where(eq(t.filings.status, 'pending_confirmation')).orderBy(asc(t.filings.id))
      ).map(toFiling);
    },
    insert(f: Filing) {
      return w('filing.insert', db.insert(t.filings).values({ ...f, filedAt: ms(f.filedAt) }));
    },
    setStatus(id, status, by, at) {
      return [
        w(
          'filing.setStatus',
          db
            .update(t.filings)
            .set({ status, confirmedBy: by, confirmedAt: ms(at) })
            .where(and(eq(t.filings.id, id), eq(t.filings.status, 'pending_confirmation'))),
        ),
        guardChanged(`filing:${id}`),
      ];
    },
  };
}
