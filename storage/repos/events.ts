/** The inbound events repository (`Store['events']`): ids of platform events already handled, for deduplication. */
import { eq, lt } from 'drizzle-orm';
import type { Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { SqlWrite, w } from '../write.js';
import { lazy, ms, ph } from './rows.js';

export function createEventRepo(db: Db): Store['events'] {
  const eventSeen = lazy(() =>
    db
      .select({ id: t.inboundEvents.id })
      .from(t.inboundEvents)
      .where(eq(t.inboundEvents.id, ph('id')))
      .prepare(),
  );
  return {
    /** A second record of the same id fails its commit with DuplicateEventError (see store.ts). */
    record(id, at) {
      return new SqlWrite('event.record', {
        sql: 'INSERT INTO inbound_events (id, received_at) VALUES (?, ?)',
        params: [id, ms(at)],
      });
    },
    async seen(id) {
      const [r] = await eventSeen().all({ id });
      return r !== undefined;
    },
    purgeBefore(before) {
      return w('event.purge', db.delete(t.inboundEvents).where(lt(t.inboundEvents.receivedAt, ms(before))));
    },
  };
}
