/** Assemble the core for a Node process: the SQLite store, the calendar, the clock, the logger. */
import { registry } from '../../commands/registry.js';
import type { Registry } from '../../commands/dispatch.js';
import type { Services } from '../../commands/types.js';
import { type BusyOptions, openSqlite, type SqliteHandle } from '../../storage/db.js';
import { createFeedStore } from '../../storage/feeds.js';
import { createStore } from '../../storage/store.js';
import { createSweepStore } from '../../storage/sweep.js';
import { officialCalendar } from '../domain/calendar-data.js';
import { type Clock, systemClock } from '../domain/clock.js';
import type { ChannelName, Identity } from '../domain/model.js';
import type { FeedStore } from '../ports/feeds.js';
import type { Logger } from '../ports/logger.js';
import { silentLogger } from '../ports/logger.js';
import type { SweepStore } from '../ports/sweep.js';

export interface Runtime {
  services: Services;
  registry: Registry;
  db: SqliteHandle;
  /** the daily reminders' queries (src/jobs/sweep.ts, src/jobs/scheduler.ts) */
  sweep: SweepStore;
  /** feed polling state (src/jobs/feeds.ts) */
  feeds: FeedStore;
  close(): void;
}

export function createRuntime(opts: {
  databasePath: string;
  admins?: readonly Identity[];
  clock?: Clock;
  log?: Logger;
  deliveryChannels?: readonly ChannelName[];
  /** how writes wait for another process's lock (the server: briefly, without blocking; see storage/busy.ts) */
  busy?: BusyOptions;
}): Runtime {
  const db = openSqlite(opts.databasePath, { busy: opts.busy });
  const sweep = createSweepStore(db.db);
  const feeds = createFeedStore(db.db);
  const services: Services = {
    store: createStore(db.db, db.executor),
    clock: opts.clock ?? systemClock,
    log: opts.log ?? silentLogger,
    adminIdentities: opts.admins ?? [],
    deliveryChannels: opts.deliveryChannels ?? [],
    baseCalendar: officialCalendar(),
    sweep,
    feeds,
  };
  return { services, registry, db, sweep, feeds, close: () => db.close() };
}
