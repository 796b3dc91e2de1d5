/** The inbound events repository (`Store['events']`): ids of platform events already handled, for deduplication. */
import { lt } from 'drizzle-orm';
import type { Store } from '../../src/ports/store.js';
import type { BatchExecutor, Db } from '../executor/types.js';
import * as t from '../schema.js';
import { SqlWrite, w } from '../write.js';
import { ms } from './rows.js';

export function createEventRepo(db: Db, executor: BatchExecutor): Store['events'] {
  return {
    /** A second record of the same id fails its commit with DuplicateEventError (see store.ts). */
    record(id, at) {
      return new SqlWrite('event.record', {
        sql: 'INSERT INTO inbound_events (id, received_at) VALUES (?, ?)',
        params: [id, ms(at)],
      });
    },
    async seen(id) {
      // asked on every inbound event: SQL written once, run through the executor's reused statement
      const rows = await executor.all<{ seen: number }>({
        sql: 'SELECT 1 AS seen FROM inbound_events WHERE id = ? LIMIT 1',
        params: [id],
      });
      return rows.length > 0;
    },
    purgeBefore(before) {
      return w('event.purge', db.delete(t.inboundEvents).where(lt(t.inboundEvents.receivedAt, ms(before))));
    },
  };
}
