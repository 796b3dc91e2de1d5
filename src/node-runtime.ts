/**
 * The core on Node: a SQLite file (better-sqlite3, migrations applied) under the runtime-neutral core. Used by the
 * Node entries (src/node.ts, src/cli.ts) and by the tests; the Worker composes the same core on D1 instead.
 */
import { type BusyOptions, type SqliteHandle, openSqlite } from '../storage/executor/sqlite.js';
import { createCalendarAdminStore } from '../storage/calendar-admin.js';
import { createChannelState } from '../storage/repos/channel-state.js';
import { createFeedStore } from '../storage/repos/feeds.js';
import { createReportStore } from '../storage/repos/report.js';
import { createSweepStore } from '../storage/repos/sweep.js';
import { createStore } from '../storage/store.js';
import { buildCore, type Core, type CoreParts } from './app/build.js';
import { registerSheetFormat } from './app/register-sheet/index.js';
import { channelInfo } from './channels/index.js';

export interface Runtime extends Core {
  db: SqliteHandle;
  core: Core;
  close(): void;
}

export function createRuntime(
  opts: {
    databasePath: string;
    /** how writes wait for another process's lock (storage/busy.ts) */
    busy?: BusyOptions;
  } & Pick<CoreParts, 'admins' | 'clock' | 'log' | 'deliveryChannels' | 'pushHosts' | 'attachments'>,
): Runtime {
  const db = openSqlite(opts.databasePath, { busy: opts.busy });
  const core = buildCore({
    store: createStore(db.db, db.executor),
    // a local SQLite file binds up to 32,766 parameters a statement (D1: 100): bigger multi-row inserts
    sweep: createSweepStore(db.db, { maxParams: 999 }),
    feeds: createFeedStore(db.db),
    report: createReportStore(db.db),
    // the chart and document libraries load on the first /通报, not at start
    reportFiles: async (r) => (await import('./files/report/files.js')).reportFiles(r),
    calendarAdmin: createCalendarAdminStore(db.db),
    channels: channelInfo,
    admins: opts.admins,
    clock: opts.clock,
    log: opts.log,
    deliveryChannels: opts.deliveryChannels,
    registerSheets: registerSheetFormat,
    attachments: opts.attachments,
    pushHosts: opts.pushHosts,
    channelState: createChannelState(db.db),
  });
  return { ...core, core, db, close: () => db.close() };
}
