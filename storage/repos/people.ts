/** The people repository (`Store['people']`): people with their roles and chat identities. */
import { and, asc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { ChannelName, Identity, Person, PersonWithRoles } from '../../src/domain/model.js';
import type { Role, RoleGrant } from '../../src/domain/roles.js';
import type { Store } from '../../src/ports/store.js';
import type { BatchExecutor, Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { ms } from './rows.js';

type PersonRow = typeof t.people.$inferSelect;

/** The admin role is global; it is stored with unit 0. */
const ADMIN_UNIT = 0;

const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  name: r.name,
  title: r.title,
  phone: r.phone,
  unitId: r.unitId,
  active: r.active,
});

function assemble(
  r: PersonRow,
  roleRows: (typeof t.roles.$inferSelect)[],
  idRows: (typeof t.identities.$inferSelect)[],
): PersonWithRoles {
  return {
    ...toPerson(r),
    roles: roleRows
      .filter((x) => x.personId === r.id)
      .map((x) => ({ role: x.role as Role, unitId: x.unitId === ADMIN_UNIT ? null : x.unitId })),
    identities: idRows
      .filter((x) => x.personId === r.id)
      .map((x) => ({ channel: x.channel as ChannelName, externalId: x.externalId })),
  };
}

/** A people row as the raw reads return it (SQLite's integer for the boolean). */
interface RawPerson {
  id: number;
  name: string;
  title: string | null;
  phone: string | null;
  unitId: number | null;
  active: number | boolean;
  createdAt: number;
}

const PERSON_COLUMNS =
  'p.id AS id, p.name AS name, p.title AS title, p.phone AS phone, p.unit_id AS unitId, p.active AS active, p.created_at AS createdAt';

const fromRaw = (r: RawPerson): PersonRow => ({
  id: Number(r.id),
  name: r.name,
  title: r.title,
  phone: r.phone,
  unitId: r.unitId === null ? null : Number(r.unitId),
  active: r.active === true || Number(r.active) === 1,
  createdAt: Number(r.createdAt),
});

export function createPeopleRepo(db: Db, executor: BatchExecutor): Store['people'] {
  // The reads of every message (who is writing, with their roles and identities): SQL written once, run through the
  // executor's reused statements, rows mapped here.
  const q = {
    personByIdentity: (channel: string, externalId: string) =>
      executor.all<RawPerson>({
        sql: `SELECT ${PERSON_COLUMNS} FROM identities i INNER JOIN people p ON p.id = i.person_id WHERE i.channel = ? AND i.external_id = ?`,
        params: [channel, externalId],
      }),
    rolesOf: async (id: number) =>
      (
        await executor.all<{ personId: number; unitId: number; role: string }>({
          sql: 'SELECT person_id AS personId, unit_id AS unitId, role FROM roles WHERE person_id = ?',
          params: [id],
        })
      ).map((r) => ({ personId: Number(r.personId), unitId: Number(r.unitId), role: r.role })),
    identitiesOf: async (id: number) =>
      (
        await executor.all<{ channel: string; externalId: string; personId: number }>({
          sql: 'SELECT channel, external_id AS externalId, person_id AS personId FROM identities WHERE person_id = ?',
          params: [id],
        })
      ).map((r) => ({ channel: r.channel, externalId: r.externalId, personId: Number(r.personId) })),
  };

  async function withRoles(rows: PersonRow[]): Promise<PersonWithRoles[]> {
    if (rows.length === 0) return [];
    if (rows.length === 1) {
      const r = rows[0]!;
      const [roleRows, idRows] = [await q.rolesOf(r.id), await q.identitiesOf(r.id)];
      return [assemble(r, roleRows, idRows)];
    }
    const ids = rows.map((r) => r.id);
    const [roleRows, idRows] = await Promise.all([
      db.select().from(t.roles).where(inArray(t.roles.personId, ids)),
      db.select().from(t.identities).where(inArray(t.identities.personId, ids)),
    ]);
    return rows.map((r) => assemble(r, roleRows, idRows));
  }

  return {
    async byId(id) {
      const rows = await db.select().from(t.people).where(eq(t.people.id, id));
      return (await withRoles(rows))[0] ?? null;
    },
    async byIdentity(identity: Identity) {
      const rows = await q.personByIdentity(identity.channel, identity.externalId);
      return (await withRoles(rows.map(fromRaw)))[0] ?? null;
    },
    async byName(name) {
      const rows = await db
        .select()
        .from(t.people)
        .where(and(eq(t.people.name, name), eq(t.people.active, true)));
      return withRoles(rows);
    },
    async list(filter = {}) {
      const cond: SQL[] = [eq(t.people.active, true)];
      if (filter.unitId !== undefined) {
        cond.push(
          sql`(${t.people.unitId} = ${filter.unitId} OR ${t.people.id} IN (SELECT person_id FROM roles WHERE unit_id = ${filter.unitId}))`,
        );
      }
      const rows = await db
        .select()
        .from(t.people)
        .where(and(...cond))
        .orderBy(asc(t.people.unitId), asc(t.people.id));
      return withRoles(rows);
    },
    async withRole(role: Role, unitId: number | null) {
      const rows = await db
        .select({ p: t.people })
        .from(t.roles)
        .innerJoin(t.people, eq(t.people.id, t.roles.personId))
        .where(and(eq(t.roles.role, role), eq(t.roles.unitId, unitId ?? ADMIN_UNIT), eq(t.people.active, true)))
        .orderBy(asc(t.people.id));
      return withRoles(rows.map((r) => r.p));
    },
    insert(p: Person, at) {
      return w(
        'person.insert',
        db.insert(t.people).values({
          id: p.id,
          name: p.name,
          title: p.title,
          phone: p.phone,
          unitId: p.unitId,
          active: p.active,
          createdAt: ms(at),
        }),
      );
    },
    update(id, patch) {
      return w('person.update', db.update(t.people).set(patch).where(eq(t.people.id, id)));
    },
    addIdentity(personId, identity) {
      return w(
        'person.addIdentity',
        db
          .insert(t.identities)
          .values({ personId, channel: identity.channel, externalId: identity.externalId })
          .onConflictDoUpdate({ target: [t.identities.channel, t.identities.externalId], set: { personId } }),
      );
    },
    addRoles(personId, grants: readonly RoleGrant[]) {
      return w(
        'person.addRoles',
        db
          .insert(t.roles)
          .values(grants.map((g) => ({ personId, role: g.role, unitId: g.unitId ?? ADMIN_UNIT })))
          .onConflictDoNothing(),
      );
    },
    removeRoles(personId) {
      return w('person.removeRoles', db.delete(t.roles).where(eq(t.roles.personId, personId)));
    },
  };
}
