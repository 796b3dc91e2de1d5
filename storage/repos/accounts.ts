/** The accounts repository (`Store['accounts']`): the register of new-media accounts. */
import { asc, eq } from 'drizzle-orm';
import type { Account } from '../../src/domain/model.js';
import type { RegisterRow, Store } from '../../src/ports/store.js';
import type { BatchExecutor, Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { date, ms } from './rows.js';

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

/** A register row as the raw read returns it: the columns of `REGISTER_COLUMNS`, in that order. */
type RawRegisterRow = [
  id: number,
  unitId: number,
  platform: string,
  name: string,
  externalId: string | null,
  url: string | null,
  openedOn: string | null,
  status: string,
  operation: string,
  operatorName: string | null,
  operatorKind: string | null,
  officerId: number | null,
  feedUrl: string | null,
  passwordChangedOn: string | null,
  createdAt: number,
  unitName: string,
  officerName: string | null,
  lastPostAt: number | null,
  recent: number,
];

const REGISTER_COLUMNS = [
  'a.id',
  'a.unit_id',
  'a.platform',
  'a.name',
  'a.external_id',
  'a.url',
  'a.opened_on',
  'a.status',
  'a.operation',
  'a.operator_name',
  'a.operator_kind',
  'a.officer_id',
  'a.feed_url',
  'a.password_changed_on',
  'a.created_at',
  'u.name',
  'p.name',
  '(SELECT max(published_at) FROM posts WHERE account_id = a.id)',
  '(SELECT count(*) FROM posts WHERE account_id = a.id AND published_at >= ?)',
].join(', ');

/**
 * The register's SQL for the filters given: one text per combination (eight at most, each compiled once), and only
 * the conditions that apply, so a unit's register is read through the `accounts_unit` index, not a scan.
 */
function registerSql(unit: boolean, status: boolean, platform: boolean): string {
  const where = [
    ...(unit ? ['a.unit_id = ?'] : []),
    ...(status ? ['a.status = ?'] : []),
    ...(platform ? ['a.platform = ?'] : []),
  ];
  return [
    `SELECT ${REGISTER_COLUMNS}`,
    'FROM accounts a INNER JOIN units u ON u.id = a.unit_id LEFT JOIN people p ON p.id = a.officer_id',
    where.length ? `WHERE ${where.join(' AND ')}` : '',
    'ORDER BY u.name ASC, a.platform ASC, a.id ASC',
  ].join(' ');
}

export function createAccountRepo(db: Db, executor: BatchExecutor): Store['accounts'] {
  const registerSqls = new Map<number, string>();
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
      // the read of every /账号: SQL written once per filter combination, rows mapped here
      const unit = filter.unitId !== undefined && filter.unitId !== null;
      const status = filter.status !== undefined && filter.status !== null;
      const platform = filter.platform !== undefined && filter.platform !== null;
      const variant = (unit ? 1 : 0) | (status ? 2 : 0) | (platform ? 4 : 0);
      let text = registerSqls.get(variant);
      if (text === undefined) registerSqls.set(variant, (text = registerSql(unit, status, platform)));
      const params: unknown[] = [ms(now) - 7 * 86_400_000];
      if (unit) params.push(filter.unitId);
      if (status) params.push(filter.status);
      if (platform) params.push(filter.platform);
      const rows = await executor.raw<RawRegisterRow>({ sql: text, params });
      // arrays in, one object literal per row out (objects from the driver, or a spread, cost more than the read)
      return rows.map(
        (r): RegisterRow => ({
          id: r[0],
          unitId: r[1],
          platform: r[2] as Account['platform'],
          name: r[3],
          externalId: r[4],
          url: r[5],
          openedOn: r[6],
          status: r[7] as Account['status'],
          operation: r[8] as Account['operation'],
          operatorName: r[9],
          operatorKind: r[10] as Account['operatorKind'],
          officerId: r[11],
          feedUrl: r[12],
          passwordChangedOn: r[13],
          createdAt: date(r[14]),
          unitName: r[15],
          officerName: r[16],
          lastPostAt: date(r[17]),
          postsLast7Days: Number(r[18]),
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
