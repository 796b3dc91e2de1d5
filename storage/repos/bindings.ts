/** One-time binding codes (src/ports/bindings.ts) on the `bind_codes` and `bind_failures` tables. */
import { sql, type SQL } from 'drizzle-orm';
import type { BindCode, BindingStore } from '../../src/ports/bindings.js';
import type { Db } from '../executor/types.js';
import { guardChanged, SqlWrite } from '../write.js';

interface CodeRow {
  id: number;
  personId: number;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

const toCode = (r: CodeRow): BindCode => ({
  id: Number(r.id),
  personId: Number(r.personId),
  createdAt: new Date(Number(r.createdAt)),
  expiresAt: new Date(Number(r.expiresAt)),
  usedAt: r.usedAt === null ? null : new Date(Number(r.usedAt)),
});

const write = (label: string, text: string, params: unknown[]): SqlWrite => new SqlWrite(label, { sql: text, params });

export function createBindingRepo(db: Db): BindingStore {
  const all = async <T>(q: SQL): Promise<T[]> => (await db.all<T>(q)) as T[];
  const COLUMNS = sql`id, person_id AS personId, created_at AS createdAt, expires_at AS expiresAt, used_at AS usedAt`;
  return {
    async byHash(codeHash) {
      const rows = await all<CodeRow>(
        sql`SELECT ${COLUMNS} FROM bind_codes WHERE code_hash = ${codeHash} ORDER BY id DESC LIMIT 1`,
      );
      return rows[0] ? toCode(rows[0]) : null;
    },
    async activeWithHash(codeHash, now) {
      const rows = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM bind_codes WHERE code_hash = ${codeHash} AND used_at IS NULL AND expires_at > ${now.getTime()}`,
      );
      return Number(rows[0]?.n ?? 0) > 0;
    },
    issue(c) {
      return [
        // An unused older code of the same person stops working: only the newest one counts.
        write(
          'bind.expireOlder',
          'UPDATE bind_codes SET expires_at = ? WHERE person_id = ? AND used_at IS NULL AND expires_at > ?',
          [c.createdAt.getTime(), c.personId, c.createdAt.getTime()],
        ),
        write(
          'bind.issue',
          'INSERT INTO bind_codes (code_hash, person_id, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?)',
          [c.codeHash, c.personId, c.createdAt.getTime(), c.createdBy, c.expiresAt.getTime()],
        ),
      ];
    },
    use(id, by, at) {
      return [
        write(
          'bind.use',
          'UPDATE bind_codes SET used_at = ?, used_by = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?',
          [at.getTime(), `${by.channel}:${by.externalId}`, id, at.getTime()],
        ),
        guardChanged('bind.use'),
      ];
    },
    recordFailure(sender, at) {
      return write('bind.failure', 'INSERT INTO bind_failures (identity, at) VALUES (?, ?)', [
        `${sender.channel}:${sender.externalId}`,
        at.getTime(),
      ]);
    },
    async failuresSince(sender, since) {
      const rows = await all<{ n: number }>(
        sql`SELECT count(*) AS n FROM bind_failures WHERE identity = ${`${sender.channel}:${sender.externalId}`} AND at >= ${since.getTime()}`,
      );
      return Number(rows[0]?.n ?? 0);
    },
    removeIdentities(personId, channel) {
      return write('bind.removeIdentities', 'DELETE FROM identities WHERE person_id = ? AND channel = ?', [
        personId,
        channel,
      ]);
    },
  };
}
