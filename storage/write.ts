/** Deferred writes: one SQL statement each, applied later by `Store.commit` in one atomic batch. */
import type { Write, Writes } from '../src/ports/write.js';
import type { Statement } from './executor/types.js';

/** A write: one SQL statement, kept until commit. */
export class SqlWrite implements Write {
  constructor(
    readonly label: string,
    readonly statement: Statement,
  ) {}
}

interface ToSql {
  toSQL(): { sql: string; params: unknown[] };
}
export const w = (label: string, q: ToSql): SqlWrite => new SqlWrite(label, q.toSQL());

/**
 * After a conditional UPDATE: fail the whole commit when it changed no row. The CHECK on `guards` rejects the row
 * the SELECT produces only when `changes()` is 0; otherwise nothing is inserted.
 */
export function guardChanged(label: string): SqlWrite {
  return new SqlWrite(`guard:${label}`, { sql: 'INSERT INTO guards (ok) SELECT 0 WHERE changes() = 0', params: [] });
}

export function flattenWrites(writes: Writes): SqlWrite[] {
  const out: SqlWrite[] = [];
  const visit = (x: Writes): void => {
    if (Array.isArray(x)) for (const y of x as readonly Writes[]) visit(y);
    else if (x instanceof SqlWrite) out.push(x);
    else throw new TypeError(`not a storage write: ${(x as Write).label}`);
  };
  visit(writes);
  return out;
}
