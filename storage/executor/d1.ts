/**
 * The repositories on Cloudflare D1: a drizzle D1 database for the reads, and a BatchExecutor whose `batch` is one
 * `D1Database.batch` call. D1 runs a batch as one SQL transaction (all or none) and rolls it back when any statement
 * fails, so the guarded writes (`INSERT INTO guards … WHERE changes() = 0`, see write.ts) fail the whole commit just as
 * they do in a better-sqlite3 transaction. D1's errors become StorageError with the constraint SQLite names, so
 * Store.commit maps them to ConflictError and DuplicateEventError exactly as on Node.
 *
 * D1's limits are checked before anything is sent: at most 100 bound parameters and 100 KB of SQL per statement
 * (they apply to each statement of a batch; the 30 s duration applies to the batch as a whole). A commit is never
 * split into several batches: that would give up its atomicity, which the once-only sweep and the guarded decisions
 * rely on; the writers keep their statements small instead (the sweep's multi-row inserts, the chunked IN lists).
 *
 * Runtime-neutral: imports ./types.js and drizzle's D1 driver only, so the Worker bundle carries no Node code.
 */
import type { D1Database, D1PreparedStatement } from '@cloudflare/workers-types';
import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../schema.js';
import { type BatchExecutor, type Db, type Statement, StorageError, type StorageErrorCode } from './types.js';

/** D1: "Maximum bound parameters per query". */
export const D1_MAX_PARAMS = 100;
/** D1: "Maximum SQL statement length" (bytes). */
export const D1_MAX_SQL_BYTES = 100_000;

export class D1LimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'D1LimitError';
  }
}

const encoder = new TextEncoder();

/** D1 binds numbers, strings, null and ArrayBuffers; booleans become 0/1, undefined null, Dates epoch ms. */
function bindable(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'bigint') return Number(v);
  return v;
}

/** Throw D1LimitError for a statement D1 would refuse. */
export function checkD1Statement(s: Statement): void {
  if (s.params.length > D1_MAX_PARAMS)
    throw new D1LimitError(
      `statement has ${s.params.length} bound parameters (D1 allows ${D1_MAX_PARAMS}): ${s.sql.slice(0, 80)}`,
    );
  if (s.sql.length * 3 > D1_MAX_SQL_BYTES && encoder.encode(s.sql).length > D1_MAX_SQL_BYTES) {
    throw new D1LimitError(`statement is over ${D1_MAX_SQL_BYTES} bytes: ${s.sql.slice(0, 80)}`);
  }
}

/** SQLite's extended result code in D1's message, e.g. "… (extended: SQLITE_CONSTRAINT_UNIQUE)", by kind. */
function codeOf(message: string): StorageErrorCode {
  const ext = /extended: (SQLITE_[A-Z_]+)/.exec(message)?.[1] ?? '';
  if (
    ext === 'SQLITE_CONSTRAINT_UNIQUE' ||
    ext === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /\b(UNIQUE|PRIMARY KEY) constraint failed/.test(message)
  ) {
    return 'unique';
  }
  if (ext === 'SQLITE_CONSTRAINT_CHECK' || /\bCHECK constraint failed/.test(message)) return 'check';
  if (ext.startsWith('SQLITE_BUSY') || /\bSQLITE_BUSY\b|database is locked/.test(message)) return 'busy';
  return 'other';
}

/**
 * A D1 error as a StorageError. D1 reports "D1_ERROR: UNIQUE constraint failed: inbound_events.id: SQLITE_CONSTRAINT
 * (extended: SQLITE_CONSTRAINT_UNIQUE)"; the constraint is the part after "constraint failed: ".
 */
export function toStorageError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof D1LimitError || e instanceof StorageError) return e;
  if (!/D1_|SQLITE_/.test(e.message)) return e;
  const constraint = /constraint failed: (.+?)(?:: SQLITE_|$)/.exec(e.message)?.[1];
  return new StorageError(codeOf(e.message), e.message, { constraint, cause: e });
}

export function d1Executor(d1: D1Database): BatchExecutor {
  const prepare = (s: Statement): D1PreparedStatement => {
    checkD1Statement(s);
    const st = d1.prepare(s.sql);
    return s.params.length ? st.bind(...s.params.map(bindable)) : st;
  };
  return {
    async batch(statements) {
      if (statements.length === 0) return;
      const prepared = statements.map(prepare);
      try {
        await d1.batch(prepared);
      } catch (e) {
        throw toStorageError(e);
      }
    },
    async get<T>(s: Statement) {
      try {
        return ((await prepare(s).first<T>()) ?? undefined) as T | undefined;
      } catch (e) {
        throw toStorageError(e);
      }
    },
    async all<T>(s: Statement) {
      try {
        return (await prepare(s).all<T>()).results;
      } catch (e) {
        throw toStorageError(e);
      }
    },
    async raw<T extends unknown[]>(s: Statement) {
      try {
        return await prepare(s).raw<T>();
      } catch (e) {
        throw toStorageError(e);
      }
    },
  };
}

export interface D1Handle {
  db: Db;
  executor: BatchExecutor;
}

/** The drizzle database and the executor for a D1 binding. Migrations are applied by wrangler, not here. */
export function openD1(d1: D1Database): D1Handle {
  const db = drizzle(d1 as never, { schema }) as unknown as Db;
  return { db, executor: d1Executor(d1) };
}
