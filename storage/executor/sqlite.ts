/**
 * The better-sqlite3 side of storage: opening and migrating a database file, caching prepared statements, the
 * executor that runs a commit's statements in one transaction (turning driver errors into `StorageError`), and
 * online backup.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { retryWhileBusy } from '../busy.js';
import * as schema from '../schema.js';
import { type BatchExecutor, type Db, type Statement, StorageError, type StorageErrorCode } from './types.js';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface SqliteHandle {
  db: Db;
  sqlite: Database.Database;
  executor: BatchExecutor;
  close(): void;
}

export interface BusyOptions {
  /** SQLite's own busy wait, which blocks the thread; default 5000 (a CLI may wait), the server uses a few ms */
  timeoutMs?: number;
  /** how long a busy write is retried asynchronously before StoreBusyError; default 0 */
  retryMs?: number;
}

/**
 * Open (creating if needed) a SQLite file with our migrations. The settings, and what they cost:
 * - `journal_mode = WAL`: readers never wait for the writer, a commit appends to the log instead of rewriting pages.
 * - `synchronous = NORMAL`: a commit is written to the log but not fsynced; the log is synced at checkpoints. A crash
 *   of the process loses nothing committed (the operating system has the writes), so anything the webhook has
 *   acknowledged — it answers only after the commit holding the inbound event and its queued reply returns — is kept,
 *   and the outbox sends it after a restart. A power cut or a kernel crash can roll back the commits made since the
 *   log was last synced (the automatic checkpoint, every 1,000 pages ≈ 4 MB of changes; the file stays consistent):
 *   those events were acknowledged, so the platform will not send them again, and their replies are lost. `FULL`
 *   would fsync every commit (an fsync per webhook) to close that window.
 * - `cache_size = -32768`: 32 MB of page cache per connection (the default is 2 MB), enough for the register's
 *   accounts and activity pages the daily sweep reads.
 * - `busy_timeout`: a second process (the CLI's sweep) waits for the write lock instead of failing; the server
 *   waits only a few ms inside SQLite and retries asynchronously (`busy`), so the event loop never blocks.
 * - prepared statements are compiled once and reused (below).
 */
export function openSqlite(file: string, opts: { migrate?: boolean; busy?: BusyOptions } = {}): SqliteHandle {
  if (file !== ':memory:') ownerOnly(file);
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  if (file !== ':memory:') for (const x of ['-wal', '-shm']) chmodIfExists(`${file}${x}`);
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('cache_size = -32768');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busy?.timeoutMs ?? 5000))}`);
  sqlite.pragma('foreign_keys = OFF');
  cachePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  if (opts.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db, sqlite, executor: sqliteExecutor(sqlite, opts.busy?.retryMs ?? 0), close: () => sqlite.close() };
}

/** Files the database holds (names, phone numbers, messages) are readable by their owner only. */
const FILE_MODE = 0o600;

/**
 * Create `file` (and its folder, 0700 when new) readable and writable by the owner only, whatever the umask, or set
 * an existing file to that. SQLite gives the `-wal`, `-shm` and `-journal` files it creates the database file's mode.
 */
function ownerOnly(file: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', FILE_MODE));
  fs.chmodSync(file, FILE_MODE);
}

function chmodIfExists(file: string): void {
  try {
    fs.chmodSync(file, FILE_MODE);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

/**
 * drizzle prepares every query anew on each call; compiling SQL is most of a small query's cost in SQLite. Keep the
 * compiled statements by their SQL text and hand them out reset to the default row mode (drizzle switches some to
 * raw mode). Statements are used synchronously, one at a time, so sharing them is safe.
 */
function cachePreparedStatements(sqlite: Database.Database): void {
  const cache = new Map<string, Database.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((sql: string) => {
    let st = cache.get(sql);
    if (!st) {
      st = prepare(sql);
      if (cache.size >= 1_000) cache.clear();
      cache.set(sql, st);
    } else if (st.reader) st.raw(false);
    return st;
  }) as typeof sqlite.prepare;
}

/** better-sqlite3's extended result codes, by kind. */
function codeOf(driverCode: string): StorageErrorCode {
  if (driverCode === 'SQLITE_CONSTRAINT_UNIQUE' || driverCode === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
  if (driverCode === 'SQLITE_CONSTRAINT_CHECK') return 'check';
  if (driverCode === 'SQLITE_BUSY' || driverCode.startsWith('SQLITE_BUSY_')) return 'busy';
  return 'other';
}

/** A driver error as a `StorageError`; anything else (a bug of ours) unchanged. */
function toStorageError(e: unknown): unknown {
  if (!(e instanceof Database.SqliteError)) return e;
  // SQLite names the constraint at the end: "UNIQUE constraint failed: inbound_events.id", "CHECK constraint failed: guards_ok".
  const constraint = /constraint failed: (.+)$/.exec(e.message)?.[1];
  return new StorageError(codeOf(e.code), e.message, { constraint, cause: e });
}

function sqliteExecutor(sqlite: Database.Database, busyRetryMs: number): BatchExecutor {
  const prepare = (sql: string): Database.Statement => sqlite.prepare(sql);
  // IMMEDIATE: take the write lock at BEGIN, so a second process (the CLI's sweep) waits instead of failing midway.
  const run = sqlite.transaction((statements: readonly Statement[]) => {
    for (const s of statements) {
      const st = prepare(s.sql);
      if (st.reader) st.all(...s.params);
      else st.run(...s.params);
    }
  });
  return {
    async batch(statements) {
      await retryWhileBusy(() => {
        try {
          run.immediate(statements);
        } catch (e) {
          throw toStorageError(e);
        }
      }, busyRetryMs);
    },
    async get<T>(s: Statement) {
      return retryWhileBusy(() => {
        try {
          return prepare(s.sql).get(...s.params) as T | undefined;
        } catch (e) {
          throw toStorageError(e);
        }
      }, busyRetryMs);
    },
    async all<T>(s: Statement) {
      // a read in WAL mode does not wait for the writer: no busy retry
      try {
        return prepare(s.sql).all(...s.params) as T[];
      } catch (e) {
        throw toStorageError(e);
      }
    },
    async raw<T extends unknown[]>(s: Statement) {
      try {
        // the cache hands statements out in object mode; this use switches it for itself
        return prepare(s.sql)
          .raw(true)
          .all(...s.params) as T[];
      } catch (e) {
        throw toStorageError(e);
      }
    },
  };
}

/** A consistent copy of a live database (SQLite online backup; safe while the server writes). */
export async function backupSqlite(source: string, target: string): Promise<void> {
  const sqlite = new Database(source, { readonly: true, fileMustExist: true });
  try {
    // the copy holds what the database holds: created owner-only before SQLite writes into it
    ownerOnly(target);
    await sqlite.backup(target);
    fs.chmodSync(target, FILE_MODE);
  } finally {
    sqlite.close();
  }
}

/**
 * Can a SQLite database live at this path? Its folder must be (or be creatable as) a writable folder, and the path
 * itself must not be a folder. Returns one sentence naming DATABASE_PATH, or null. `:memory:` is fine.
 */
export function sqlitePathProblem(file: string): string | null {
  if (file === ':memory:') return null;
  const full = path.resolve(file);
  if (full.startsWith('/proc/') || full.startsWith('/sys/') || full === '/proc' || full === '/sys') {
    return `DATABASE_PATH=${file}: not a place for a database (a kernel file system)`;
  }
  try {
    if (fs.statSync(full).isDirectory())
      return `DATABASE_PATH=${file} is a folder; give a file path such as ${path.join(file, 'govmedia.sqlite')}`;
  } catch {
    // does not exist yet: fine, its folder is checked below
  }
  let dir = path.dirname(full);
  for (;;) {
    try {
      const st = fs.statSync(dir);
      if (!st.isDirectory()) return `DATABASE_PATH=${file}: ${dir} is a file, not a folder`;
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && path.dirname(dir) !== dir) {
        dir = path.dirname(dir);
        continue;
      }
      if (code === 'ENOTDIR') return `DATABASE_PATH=${file}: a part of the path is a file, not a folder`;
      return `DATABASE_PATH=${file}: the folder ${dir} is not writable (${code ?? 'error'})`;
    }
  }
}
