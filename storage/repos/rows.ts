/**
 * Helpers every repository shares for reading rows: instants to and from epoch-millisecond columns, raw SQL reads,
 * and prepared queries built once.
 */
import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../executor/types.js';

/** An instant as stored: epoch milliseconds (null stays null). */
export function ms(d: Date): number;
export function ms(d: Date | null | undefined): number | null;
export function ms(d: Date | null | undefined): number | null {
  return d === null || d === undefined ? null : d.getTime();
}

/** An epoch-millisecond column as an instant (null stays null). `Number` because raw reads may not be typed. */
export function date(n: number): Date;
export function date(n: number | null): Date | null;
export function date(n: number | null): Date | null {
  return n === null ? null : new Date(Number(n));
}

/** The rows of a raw SQL query, on either kind of database. */
export const allRows = async <T>(db: Db, q: SQL): Promise<T[]> => (await db.all<T>(q)) as T[];

/** Build a prepared query once, on first use (the hot reads of every message). */
export function lazy<T>(build: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= build());
}

/** A named parameter of a prepared query. */
export const ph = (name: string) => sql.placeholder(name);
