/**
 * Database factories. The repositories (store.ts) take a drizzle database and an executor for atomic batches, so
 * the same code runs on better-sqlite3 (here) and on D1 (where the executor is `d1.batch`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { retryWhileBusy } from './busy.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
/** A drizzle SQLite database of either kind: sync (better-sqlite3) or async (D1). */
export type Db = BaseSQLiteDatabase<'sync' | 'async', unknown, Schema>;

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs statements atomically: all or none. */
export interface BatchExecutor {
  batch(statements: readonly Statement[]): Promise<void>;
  /** one statement that returns rows (used for id allocation) */
  get<T>(statement: Statement): Promise<T | undefined>;
}

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

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

/** Open (creating if needed) a SQLite file with WAL, a busy timeout for a second process, and our migrations. */
export function openSqlite(file: string, opts: { migrate?: boolean; busy?: BusyOptions } = {}): SqliteHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busy?.timeoutMs ?? 5000))}`);
  sqlite.pragma('foreign_keys = OFF');
  cachePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema });
  if (opts.migrate !== false) migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return { db, sqlite, executor: sqliteExecutor(sqlite, opts.busy?.retryMs ?? 0), close: () => sqlite.close() };
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

function sqliteExecutor(sqlite: Database.Database, busyRetryMs: number): BatchExecutor {
  const prepare = (sql: string): Database.Statement => sqlite.prepare(sql);
  // IMMEDIATE: take the write lock at BEGIN, so a second process (the CLI's sweep) waits instead of failing midway.
  const run = sqlite.transaction((statements: readonly Statement[]) => {
    for (const s of statements) {
      const st = prepare(s.sql);
      if (st.reader) st.all(...(s.params as unknown[]));
      else st.run(...(s.params as unknown[]));
    }
  });
  return {
    async batch(statements) {
      await retryWhileBusy(() => run.immediate(statements), busyRetryMs);
    },
    async get<T>(s: Statement) {
      return retryWhileBusy(() => prepare(s.sql).get(...(s.params as unknown[])) as T | undefined, busyRetryMs);
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
