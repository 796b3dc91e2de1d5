/**
 * The repositories: the Store port (src/ports/store.ts) on drizzle. Reads are awaited queries; writes are deferred
 * statements that `commit` runs atomically through the executor (a transaction here, `batch` on D1).
 */
import { and, asc, desc, eq, inArray, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { CalendarOverride } from '../src/domain/calendar.js';
import type {
  Account,
  ChannelName,
  Filing,
  Identity,
  Person,
  PersonWithRoles,
  Post,
  Unit,
  UnitChat,
} from '../src/domain/model.js';
import type { Reply } from '../src/domain/reply.js';
import type { Role, RoleGrant } from '../src/domain/roles.js';
import {
  type AuditEntry,
  ConflictError,
  DuplicateEventError,
  type IdKind,
  type OutboxMessage,
  type OutboxRow,
  type RegisterRow,
  type Store,
  type Writes,
} from '../src/ports/store.js';
import type { BatchExecutor, Db } from './db.js';
import { flattenWrites, guardChanged, SqlWrite, w } from './write.js';

import { createRepostRepo } from './reposts.js';
import { createReviewRepo, createWordListRepo } from './reviews.js';
import * as t from './schema.js';

const ms = (d: Date): number => d.getTime();
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

type UnitRow = typeof t.units.$inferSelect;
type PersonRow = typeof t.people.$inferSelect;
type AccountRow = typeof t.accounts.$inferSelect;
type FilingRow = typeof t.filings.$inferSelect;
type OutboxDbRow = typeof t.outbox.$inferSelect;

const toOutbox = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  dedupeKey: r.dedupeKey,
  channel: r.channel as OutboxRow['channel'],
  targetType: r.targetType as OutboxRow['targetType'],
  target: r.target,
  replyTo: r.replyTo,
  updateOf: r.updateOf,
  payload: r.payload as Reply,
  status: r.status as OutboxRow['status'],
  attempts: r.attempts,
  nextAttemptAt: new Date(r.nextAttemptAt),
  lastError: r.lastError,
  platformMessageId: r.platformMessageId,
  createdAt: new Date(r.createdAt),
  sentAt: date(r.sentAt),
});

const toUnit = (r: UnitRow): Unit => ({
  id: r.id,
  name: r.name,
  parentId: r.parentId,
  domains: r.domains,
  createdAt: new Date(r.createdAt),
});

const toPerson = (r: PersonRow): Person => ({
  id: r.id,
  name: r.name,
  title: r.title,
  phone: r.phone,
  unitId: r.unitId,
  active: r.active,
});

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
  createdAt: new Date(r.createdAt),
});

const toFiling = (r: FilingRow): Filing => ({
  id: r.id,
  accountId: r.accountId,
  unitId: r.unitId,
  kind: r.kind as Filing['kind'],
  eventDate: r.eventDate,
  dueDate: r.dueDate,
  filedAt: new Date(r.filedAt),
  late: r.late,
  emergency: r.emergency,
  calendarFallback: r.calendarFallback,
  status: r.status as Filing['status'],
  reason: r.reason,
  changes: r.changes,
  warnings: r.warnings,
  filedBy: r.filedBy,
});

/** The admin role is global; it is stored with unit 0. */
const ADMIN_UNIT = 0;

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

/** Build a prepared query once, on first use (the hot reads of every message). */
function lazy<T>(build: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= build());
}
const ph = (name: string) => sql.placeholder(name);

export function createStore(db: Db, executor: BatchExecutor): Store {
  const q = {
    eventSeen: lazy(() =>
      db
        .select({ id: t.inboundEvents.id })
        .from(t.inboundEvents)
        .where(eq(t.inboundEvents.id, ph('id')))
        .prepare(),
    ),
    personByIdentity: lazy(() =>
      db
        .select({ p: t.people })
        .from(t.identities)
        .innerJoin(t.people, eq(t.people.id, t.identities.personId))
        .where(and(eq(t.identities.channel, ph('channel')), eq(t.identities.externalId, ph('externalId'))))
        .prepare(),
    ),
    rolesOf: lazy(() =>
      db
        .select()
        .from(t.roles)
        .where(eq(t.roles.personId, ph('id')))
        .prepare(),
    ),
    identitiesOf: lazy(() =>
      db
        .select()
        .from(t.identities)
        .where(eq(t.identities.personId, ph('id')))
        .prepare(),
    ),
    unitById: lazy(() =>
      db
        .select()
        .from(t.units)
        .where(eq(t.units.id, ph('id')))
        .prepare(),
    ),
    settings: lazy(() => db.select().from(t.settings).prepare()),
    overrides: lazy(() => db.select().from(t.calendarOverrides).orderBy(asc(t.calendarOverrides.date)).prepare()),
    register: lazy(() =>
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
    ),
  };

  async function withRoles(rows: PersonRow[]): Promise<PersonWithRoles[]> {
    if (rows.length === 0) return [];
    if (rows.length === 1) {
      const r = rows[0]!;
      const [roleRows, idRows] = [await q.rolesOf().all({ id: r.id }), await q.identitiesOf().all({ id: r.id })];
      return [assemble(r, roleRows, idRows)];
    }
    const ids = rows.map((r) => r.id);
    const [roleRows, idRows] = await Promise.all([
      db.select().from(t.roles).where(inArray(t.roles.personId, ids)),
      db.select().from(t.identities).where(inArray(t.identities.personId, ids)),
    ]);
    return rows.map((r) => assemble(r, roleRows, idRows));
  }

  const store: Store = {
    async nextId(kind: IdKind) {
      const q = db
        .insert(t.counters)
        .values({ name: kind, value: 1 })
        .onConflictDoUpdate({ target: t.counters.name, set: { value: sql`${t.counters.value} + 1` } })
        .returning({ value: t.counters.value });
      const row = await executor.get<{ value: number }>(q.toSQL());
      if (!row) throw new Error(`could not allocate an id for ${kind}`);
      return row.value;
    },

    async commit(writes: Writes) {
      const list = flattenWrites(writes);
      if (list.length === 0) return;
      try {
        await executor.batch(list.map((x) => x.statement));
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        if (msg.includes('guards_ok') || msg.includes('CHECK constraint failed: guards')) {
          throw new ConflictError(list.find((x) => x.label.startsWith('guard:'))?.label ?? 'guard');
        }
        if (msg.includes('UNIQUE constraint failed: inbound_events.id')) throw new DuplicateEventError();
        throw e;
      }
    },

    units: {
      async all() {
        return (await db.select().from(t.units).orderBy(asc(t.units.id))).map(toUnit);
      },
      async byId(id) {
        const [r] = await q.unitById().all({ id });
        return r ? toUnit(r) : null;
      },
      async byName(name) {
        const [r] = await db.select().from(t.units).where(eq(t.units.name, name));
        return r ? toUnit(r) : null;
      },
      insert(u) {
        return w(
          'unit.insert',
          db.insert(t.units).values({
            id: u.id,
            name: u.name,
            parentId: u.parentId,
            domains: u.domains,
            createdAt: ms(u.createdAt),
          }),
        );
      },
      async chats(unitId) {
        const rows = await db.select().from(t.unitChats).where(eq(t.unitChats.unitId, unitId));
        return rows.map((r) => ({ unitId: r.unitId, channel: r.channel as ChannelName, chatId: r.chatId }));
      },
      async byChat(channel, chatId) {
        const [r] = await db
          .select({ unit: t.units })
          .from(t.unitChats)
          .innerJoin(t.units, eq(t.units.id, t.unitChats.unitId))
          .where(and(eq(t.unitChats.channel, channel), eq(t.unitChats.chatId, chatId)));
        return r ? toUnit(r.unit) : null;
      },
      bindChat(c: UnitChat, at, by) {
        return [
          w(
            'unit.unbindChat',
            db.delete(t.unitChats).where(and(eq(t.unitChats.channel, c.channel), eq(t.unitChats.chatId, c.chatId))),
          ),
          w(
            'unit.bindChat',
            db
              .insert(t.unitChats)
              .values({ unitId: c.unitId, channel: c.channel, chatId: c.chatId, boundAt: ms(at), boundBy: by })
              .onConflictDoUpdate({
                target: [t.unitChats.unitId, t.unitChats.channel],
                set: { chatId: c.chatId, boundAt: ms(at), boundBy: by },
              }),
          ),
        ];
      },
    },

    people: {
      async byId(id) {
        const rows = await db.select().from(t.people).where(eq(t.people.id, id));
        return (await withRoles(rows))[0] ?? null;
      },
      async byIdentity(identity: Identity) {
        const rows = await q.personByIdentity().all({ channel: identity.channel, externalId: identity.externalId });
        return (await withRoles(rows.map((r) => r.p)))[0] ?? null;
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
    },

    accounts: {
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
        return (
          await db.select().from(t.accounts).where(eq(t.accounts.unitId, unitId)).orderBy(asc(t.accounts.id))
        ).map(toAccount);
      },
      async register(filter, now) {
        const rows = await q.register().all({
          unit: filter.unitId ?? null,
          status: filter.status ?? null,
          platform: filter.platform ?? null,
          since: now.getTime() - 7 * 86_400_000,
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
    },

    filings: {
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
          await db
            .select()
            .from(t.filings)
            .where(eq(t.filings.status, 'pending_confirmation'))
            .orderBy(asc(t.filings.id))
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
    },

    posts: {
      insert(p: Post, by, at) {
        return w(
          'post.insert',
          db
            .insert(t.posts)
            .values({
              accountId: p.accountId,
              publishedAt: ms(p.publishedAt),
              title: p.title,
              url: p.url,
              source: p.source,
              externalId: p.externalId,
              createdBy: by,
              createdAt: ms(at),
            })
            .onConflictDoNothing(),
        );
      },
      async recent(accountId, limit) {
        const rows = await db
          .select()
          .from(t.posts)
          .where(eq(t.posts.accountId, accountId))
          .orderBy(desc(t.posts.publishedAt))
          .limit(limit);
        return rows.map((r) => ({
          accountId: r.accountId,
          publishedAt: new Date(r.publishedAt),
          title: r.title,
          url: r.url,
          source: r.source as Post['source'],
          externalId: r.externalId,
        }));
      },
    },

    settings: {
      async all() {
        const rows = await q.settings().all();
        return Object.fromEntries(rows.map((r) => [r.key, r.value]));
      },
      set(key, value, by, at) {
        return w(
          'settings.set',
          db
            .insert(t.settings)
            .values({ key, value, updatedAt: ms(at), updatedBy: by })
            .onConflictDoUpdate({ target: t.settings.key, set: { value, updatedAt: ms(at), updatedBy: by } }),
        );
      },
    },

    calendar: {
      async overrides() {
        const rows = await q.overrides().all();
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
    },

    audit: {
      add(e: AuditEntry) {
        return w(
          'audit.add',
          db.insert(t.auditLog).values({
            at: ms(e.at),
            actorId: e.actorId,
            actor: e.actor,
            action: e.action,
            subject: e.subject,
            details: e.details ?? null,
          }),
        );
      },
      async recent(subject, limit) {
        const rows = await db
          .select()
          .from(t.auditLog)
          .where(subject === null ? undefined : eq(t.auditLog.subject, subject))
          .orderBy(desc(t.auditLog.id))
          .limit(limit);
        return rows.map((r) => ({
          at: new Date(r.at),
          actorId: r.actorId,
          actor: r.actor,
          action: r.action,
          subject: r.subject,
          details: r.details ?? undefined,
        }));
      },
    },

    outbox: {
      enqueue(m: OutboxMessage, at) {
        // Written out (not built by drizzle): this runs for every reply and notification.
        return new SqlWrite('outbox.enqueue', {
          sql: 'INSERT INTO outbox (dedupe_key, channel, target_type, target, reply_to, update_of, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING',
          params: [
            m.dedupeKey ?? null,
            m.channel,
            m.targetType,
            m.target,
            m.replyTo ?? null,
            m.updateOf ?? null,
            JSON.stringify(m.payload satisfies Reply),
            'pending',
            ms(at),
            ms(at),
          ],
        });
      },
      async due(now, limit) {
        const rows = await db
          .select()
          .from(t.outbox)
          .where(and(eq(t.outbox.status, 'pending'), lte(t.outbox.nextAttemptAt, ms(now))))
          .orderBy(asc(t.outbox.id))
          .limit(limit);
        return rows.map(toOutbox);
      },
      async byKey(key) {
        const [r] = await db.select().from(t.outbox).where(eq(t.outbox.dedupeKey, key));
        return r ? toOutbox(r) : null;
      },
      claim(id, now, leaseMs) {
        return [
          w(
            'outbox.claim',
            db
              .update(t.outbox)
              .set({ nextAttemptAt: ms(now) + leaseMs })
              .where(and(eq(t.outbox.id, id), eq(t.outbox.status, 'pending'), lte(t.outbox.nextAttemptAt, ms(now)))),
          ),
          guardChanged(`outbox:${id}`),
        ];
      },
      markSent(id, platformMessageId, at) {
        return w(
          'outbox.sent',
          db
            .update(t.outbox)
            .set({
              status: 'sent',
              platformMessageId,
              sentAt: ms(at),
              lastError: null,
              attempts: sql`${t.outbox.attempts} + 1`,
            })
            .where(eq(t.outbox.id, id)),
        );
      },
      retryLater(id, attempts, next, error) {
        return w(
          'outbox.retry',
          db
            .update(t.outbox)
            .set({ attempts, nextAttemptAt: ms(next), lastError: error.slice(0, 500) })
            .where(eq(t.outbox.id, id)),
        );
      },
      markFailed(id, attempts, error) {
        return w(
          'outbox.failed',
          db
            .update(t.outbox)
            .set({ status: 'failed', attempts, lastError: error.slice(0, 500) })
            .where(eq(t.outbox.id, id)),
        );
      },
      async failed(limit) {
        const rows = await db
          .select()
          .from(t.outbox)
          .where(eq(t.outbox.status, 'failed'))
          .orderBy(desc(t.outbox.id))
          .limit(limit);
        return rows.map(toOutbox);
      },
      requeue(ids, at) {
        const cond =
          ids === 'all-failed'
            ? eq(t.outbox.status, 'failed')
            : and(eq(t.outbox.status, 'failed'), inArray(t.outbox.id, [...ids]));
        return w(
          'outbox.requeue',
          db
            .update(t.outbox)
            .set({ status: 'pending', attempts: 0, nextAttemptAt: ms(at) })
            .where(cond),
        );
      },
      async stats() {
        const rows = await db
          .select({
            status: t.outbox.status,
            n: sql<number>`count(*)`,
            oldest: sql<number | null>`min(${t.outbox.createdAt})`,
          })
          .from(t.outbox)
          .groupBy(t.outbox.status);
        const get = (s: string) => rows.find((r) => r.status === s);
        return {
          pending: Number(get('pending')?.n ?? 0),
          failed: Number(get('failed')?.n ?? 0),
          sent: Number(get('sent')?.n ?? 0),
          oldestPendingAt: date(get('pending')?.oldest ?? null),
        };
      },
      async nextDueAt() {
        const [r] = await db
          .select({ at: sql<number | null>`min(${t.outbox.nextAttemptAt})` })
          .from(t.outbox)
          .where(eq(t.outbox.status, 'pending'));
        return date(r?.at ?? null);
      },
    },

    reviews: createReviewRepo(db),
    reposts: createRepostRepo(db),
    wordLists: createWordListRepo(db),

    events: {
      record(id, at) {
        return new SqlWrite('event.record', {
          sql: 'INSERT INTO inbound_events (id, received_at) VALUES (?, ?)',
          params: [id, ms(at)],
        });
      },
      async seen(id) {
        const [r] = await q.eventSeen().all({ id });
        return r !== undefined;
      },
      purgeBefore(before) {
        return w('event.purge', db.delete(t.inboundEvents).where(lt(t.inboundEvents.receivedAt, ms(before))));
      },
    },
  };
  return store;
}
