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

/**
 * Who is writing, with their roles and identities, in one statement: the person's columns, then the roles and the
 * identities as JSON arrays of [role, unit] and [channel, external id] (json_group_array is SQLite's, on D1 too), each
 * in the order the same query on its own table returns them.
 */
const PERSON_BY_IDENTITY = [
  'SELECT p.id, p.name, p.title, p.phone, p.unit_id, p.active,',
  '(SELECT json_group_array(json_array(r.role, r.unit_id)) FROM roles r WHERE r.person_id = p.id),',
  '(SELECT json_group_array(json_array(x.channel, x.external_id)) FROM identities x WHERE x.person_id = p.id)',
  'FROM identities i INNER JOIN people p ON p.id = i.person_id WHERE i.channel = ? AND i.external_id = ?',
].join(' ');

type RawPersonWithRoles = [
  id: number,
  name: string,
  title: string | null,
  phone: string | null,
  unitId: number | null,
  active: number,
  roles: string,
  identities: string,
];

export function createPeopleRepo(db: Db, executor: BatchExecutor): Store['people'] {
  async function withRoles(rows: PersonRow[]): Promise<PersonWithRoles[]> {
    if (rows.length === 0) return [];
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
      // the read of every message: SQL written once, one statement, rows mapped here
      const [r] = await executor.raw<RawPersonWithRoles>({
        sql: PERSON_BY_IDENTITY,
        params: [identity.channel, identity.externalId],
      });
      if (!r) return null;
      const roles = JSON.parse(r[6]) as [string, number][];
      const ids = JSON.parse(r[7]) as [string, string][];
      return {
        id: r[0],
        name: r[1],
        title: r[2],
        phone: r[3],
        unitId: r[4],
        active: Boolean(r[5]),
        roles: roles.map(([role, unitId]) => ({ role: role as Role, unitId: unitId === ADMIN_UNIT ? null : unitId })),
        identities: ids.map(([channel, externalId]) => ({ channel: channel as ChannelName, externalId })),
      };
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
