/**
 * The runtime-neutral contract between the repositories and a database driver: the drizzle database type, the
 * statements a commit runs, the executor that runs them atomically, and the coded error every executor raises.
 * No Node or driver imports: this file is bundled into the Cloudflare Worker as well.
 */
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from '../schema.js';

export type Schema = typeof schema;
/** A drizzle SQLite database of either kind: sync (better-sqlite3) or async (D1). */
export type Db = BaseSQLiteDatabase<'sync' | 'async', unknown, Schema>;

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Runs statements atomically: all or none. Driver errors come out as `StorageError`. */
export interface BatchExecutor {
  batch(statements: readonly Statement[]): Promise<void>;
  /** one statement that returns rows (used for id allocation) */
  get<T>(statement: Statement): Promise<T | undefined>;
  /**
   * The rows of one read, as objects keyed by the column names (aliases) the SQL gives, values as the driver returns
   * them (integers for booleans, text for JSON). For the reads of every message, whose SQL is written once: no query
   * building and no row mapping by drizzle per call, and on SQLite the compiled statement is reused.
   */
  all<T>(statement: Statement): Promise<T[]>;
  /** The same as arrays of column values in the SQL's order (cheaper to build than objects, for wide rows). */
  raw<T extends unknown[]>(statement: Statement): Promise<T[]>;
}

/**
 * What went wrong, independent of the driver: a UNIQUE or PRIMARY KEY violation, a failed CHECK, a database locked
 * by another connection, or anything else.
 */
export type StorageErrorCode = 'unique' | 'check' | 'busy' | 'other';

/** A driver error, classified once by the executor; the message is the driver's own. */
export class StorageError extends Error {
  /** the violated constraint as the driver names it, e.g. 'inbound_events.id' (UNIQUE) or 'guards_ok' (CHECK) */
  readonly constraint?: string;

  constructor(
    readonly code: StorageErrorCode,
    message: string,
    opts: { constraint?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = 'StorageError';
    if (opts.constraint !== undefined) this.constraint = opts.constraint;
  }
}
