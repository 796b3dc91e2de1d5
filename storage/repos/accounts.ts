/** The accounts repository (`Store['accounts']`): the register of new-media accounts. */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Account } from '../../src/domain/model.js';
import type { RegisterRow, Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { date, lazy, ms, ph } from './rows.js';

type AccountRow = typeof t.accounts.$inferSelect;

export const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  unitId: r.unitId,
  platform: r.platform as Account['platform'],
  name: r.name,
  externalId: r.externalId,
  url: r.url,
  openedOn: r.openedOn,
  status: r.status as Account['status'],
  operation: r.operation as Account['operation'],
  operatorName: r.operatorName,
  operatorKind: r.operatorKind as Account['operatorKind'],
  officerId: r.officerId,
  feedUrl: r.feedUrl,
  passwordChangedOn: r.passwordChangedOn,
  createdAt: date(r.createdAt),
});

export function createAccountRepo(db: Db): Store['accounts'] {
  const register = lazy(() =>
    db
      .select({
        a: t.accounts,
        unitName: t.units.name,
        officerName: t.people.name,
        lastPostAt: sql<number | null>`(SELECT max(published_at) FROM posts WHERE account_id = ${t.accounts.id})`,
        recent: sql<number>`(SELECT count(*) FROM posts WHERE account_id = ${t.accounts.id} AND published_at >= ${ph('since')})`,
      })
      .from(t.accounts)
      .innerJoin(t.units, eq(t.units.id, t.accounts.unitId))
      .leftJoin(t.people, eq(t.people.id, t.accounts.officerId))
      .where(
        and(
          sql`(${ph('unit')} IS NULL OR ${t.accounts.unitId} = ${ph('unit')})`,
          sql`(${ph('status')} IS NULL OR ${t.accounts.status} = ${ph('status')})`,
          sql`(${ph('platform')} IS NULL OR ${t.accounts.platform} = ${ph('platform')})`,
        ),
      )
      .orderBy(asc(t.units.name), asc(t.accounts.platform), asc(t.accounts.id))
      .prepare(),
  );
  return {
    async byId(id) {
      const [r] = await db.select().from(t.accounts).where(eq(t.accounts.id, id));
      return r ? toAccount(r) : null;
    },
    async byName(name) {
      return (await db.select().from(t.accounts).where(eq(t.accounts.name, name)).orderBy(asc(t.accounts.id))).map(
        toAccount,
      );
    },
    async ofUnit(unitId) {
      return (await db.select().from(t.accounts).where(eq(t.accounts.unitId, unitId)).orderBy(asc(t.accounts.id))).map(
        toAccount,
      );
    },
    async register(filter, now) {
      const rows = await register().all({
        unit: filter.unitId ?? null,
        status: filter.status ?? null,
        platform: filter.platform ?? null,
        since: ms(now) - 7 * 86_400_000,
      });
      return rows.map(
        (r): RegisterRow => ({
          ...toAccount(r.a),
          unitName: r.unitName,
          officerName: r.officerName,
          lastPostAt: date(r.lastPostAt),
          postsLast7Days: Number(r.recent),
        }),
      );
    },
    insert(a: Account, at) {
      return w(
        'account.insert',
        db.insert(t.accounts).values({
          ...a,
          createdAt: ms(a.createdAt),
          updatedAt: ms(at),
        }),
      );
    },
    update(id, patch, at) {
      return w(
        'account.update',
        db
          .update(t.accounts)
          .set({ ...patch, updatedAt: ms(at) })
          .where(eq(t.accounts.id, id)),
      );
    },
  };
}
