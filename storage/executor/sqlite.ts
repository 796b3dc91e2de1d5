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
import * as schema from '../schema.js';
import { type BatchExecutor, type Db, type Statement, StorageError, type StorageErrorCode } from './types.js';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export interface SqliteHandle {
  db: Db;
  sqlite: Database.Database;
  executor: BatchExecutor;
  close(): void;
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
 * - `busy_timeout = 5000`: a second process (the CLI's sweep) waits for the write lock instead of failing.
 * - prepared statements are compiled once and reused (below).
 */
export function openSqlite(file: string, opts: { migrate?: boolean } = {}): SqliteHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('cache_size = -32768');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = OFF');
  cachePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  if (opts.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db, sqlite, executor: sqliteExecutor(sqlite), close: () => sqlite.close() };
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

function sqliteExecutor(sqlite: Database.Database): BatchExecutor {
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
      try {
        run.immediate(statements);
      } catch (e) {
        throw toStorageError(e);
      }
    },
    async get<T>(s: Statement) {
      try {
        return prepare(s.sql).get(...s.params) as T | undefined;
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
    fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
    await sqlite.backup(target);
  } finally {
    sqlite.close();
  }
}
