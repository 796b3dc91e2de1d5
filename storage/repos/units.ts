/** The units repository (`Store['units']`): units and the chats bound to them. */
import { and, eq } from 'drizzle-orm';
import type { ChannelName, Unit, UnitChat } from '../../src/domain/model.js';
import type { Store } from '../../src/ports/store.js';
import type { BatchExecutor, Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { date, lazy, ms, ph } from './rows.js';

type UnitRow = typeof t.units.$inferSelect;

const toUnit = (r: UnitRow): Unit => ({
  id: r.id,
  name: r.name,
  parentId: r.parentId,
  domains: r.domains,
  createdAt: date(r.createdAt),
  kind: (r.kind as Unit['kind']) ?? null,
});

/** A units row as a raw read returns it (the domains as their JSON text). */
interface RawUnit {
  id: number;
  name: string;
  parentId: number | null;
  domains: string;
  kind: string | null;
  createdAt: number;
}

const fromRaw = (r: RawUnit): Unit => ({
  id: Number(r.id),
  name: r.name,
  parentId: r.parentId === null ? null : Number(r.parentId),
  domains: JSON.parse(r.domains) as string[],
  createdAt: date(Number(r.createdAt)),
  kind: (r.kind as Unit['kind']) ?? null,
});

export function createUnitRepo(db: Db, executor: BatchExecutor): Store['units'] {
  const unitById = lazy(() =>
    db
      .select()
      .from(t.units)
      .where(eq(t.units.id, ph('id')))
      .prepare(),
  );
  return {
    async all() {
      // read by /账号 and most replies that name units: SQL written once, rows mapped here
      const rows = await executor.all<RawUnit>({
        sql: 'SELECT id, name, parent_id AS parentId, domains, kind, created_at AS createdAt FROM units ORDER BY id ASC',
        params: [],
      });
      return rows.map(fromRaw);
    },
    async byId(id) {
      const [r] = await unitById().all({ id });
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
          kind: u.kind ?? null,
          createdAt: ms(u.createdAt),
        }),
      );
    },
    async chats(unitId) {
      const rows = await db.select().from(t.unitChats).where(eq(t.unitChats.unitId, unitId));
      return rows.map((r) => ({
        unitId: r.unitId,
        channel: r.channel as ChannelName,
        chatId: r.chatId,
        pushUrl: r.pushUrl ?? null,
      }));
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
            .values({
              unitId: c.unitId,
              channel: c.channel,
              chatId: c.chatId,
              pushUrl: c.pushUrl ?? null,
              boundAt: ms(at),
              boundBy: by,
            })
            .onConflictDoUpdate({
              target: [t.unitChats.unitId, t.unitChats.channel],
              set: { chatId: c.chatId, pushUrl: c.pushUrl ?? null, boundAt: ms(at), boundBy: by },
            }),
        ),
      ];
    },
  };
}
