/**
 * The Store port (src/ports/store.ts) on drizzle: composes the repositories (storage/repos/) and adds id allocation
 * and `commit`, which runs the deferred writes atomically through the executor (a transaction on better-sqlite3,
 * `batch` on D1) and turns the executor's coded errors into the core's.
 */
import { sql } from 'drizzle-orm';
import type { IdKind, Store } from '../src/ports/store.js';
import { ConflictError, DuplicateEventError, type Writes } from '../src/ports/write.js';
import { type BatchExecutor, type Db, StorageError } from './executor/types.js';
import { createAccountRepo } from './repos/accounts.js';
import { createAuditRepo } from './repos/audit.js';
import { createBindingRepo } from './repos/bindings.js';
import { createCalendarRepo } from './repos/calendar.js';
import { createEventRepo } from './repos/events.js';
import { createFileRepo, createImportRepo } from './repos/files.js';
import { createFilingRepo } from './repos/filings.js';
import { createOutboxRepo } from './repos/outbox.js';
import { createPeopleRepo } from './repos/people.js';
import { createPostRepo } from './repos/posts.js';
import { createRepostRepo } from './repos/reposts.js';
import { createRetentionRepo } from './repos/retention.js';
import { createReviewRepo } from './repos/reviews.js';
import { createSettingsRepo } from './repos/settings.js';
import { createUnitRepo } from './repos/units.js';
import { createWordListRepo } from './repos/wordlists.js';
import * as t from './schema.js';
import { flattenWrites } from './write.js';

/**
 * The CHECK on `guards` (schema.ts) that `guardChanged` trips: SQLite names it `guards_ok`; older SQLite versions
 * named the table instead.
 */
const GUARD_CONSTRAINTS: ReadonlySet<string> = new Set(['guards_ok', 'guards']);
/** The primary key a second record of the same inbound event violates. */
const EVENT_ID_CONSTRAINT = 'inbound_events.id';

export function createStore(db: Db, executor: BatchExecutor): Store {
  return {
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
        if (e instanceof StorageError) {
          if (e.code === 'check' && e.constraint !== undefined && GUARD_CONSTRAINTS.has(e.constraint)) {
            throw new ConflictError(list.find((x) => x.label.startsWith('guard:'))?.label ?? 'guard');
          }
          if (e.code === 'unique' && e.constraint === EVENT_ID_CONSTRAINT) throw new DuplicateEventError();
        }
        throw e;
      }
    },

    units: createUnitRepo(db, executor),
    people: createPeopleRepo(db, executor),
    accounts: createAccountRepo(db, executor),
    filings: createFilingRepo(db),
    posts: createPostRepo(db),
    settings: createSettingsRepo(db),
    calendar: createCalendarRepo(db),
    audit: createAuditRepo(db),
    outbox: createOutboxRepo(db),
    reviews: createReviewRepo(db),
    reposts: createRepostRepo(db),
    wordLists: createWordListRepo(db),
    files: createFileRepo(db),
    imports: createImportRepo(db),
    events: createEventRepo(db, executor),
    bindings: createBindingRepo(db),
    retention: createRetentionRepo(db),
  };
}
