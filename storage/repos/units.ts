/** The units repository (`Store['units']`): units and the chats bound to them. */
import { and, asc, eq } from 'drizzle-orm';
import type { ChannelName, Unit, UnitChat } from '../../src/domain/model.js';
import type { Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
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
});

export function createUnitRepo(db: Db): Store['units'] {
  const unitById = lazy(() =>
    db
      .select()
      .from(t.units)
      .where(eq(t.units.id, ph('id')))
      .prepare(),
  );
  return {
    async all() {
      return (await db.select().from(t.units).orderBy(asc(t.units.id))).map(toUnit);
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
