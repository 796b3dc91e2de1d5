/** The audit repository (`Store['audit']`): the log of who did what. */
import { desc, eq } from 'drizzle-orm';
import type { AuditEntry, Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { date, ms } from './rows.js';

export function createAuditRepo(db: Db): Store['audit'] {
  return {
    add(e: AuditEntry) {
      return w(
        'audit.add',
        db.insert(t.auditLog).values({
          at: ms(e.at),
          actorId: e.actorId,
          actor: e.actor,
          action: e.action,
          subject: e.subject,
          details: e.details ?? null,
        }),
      );
    },
    async recent(subject, limit) {
      const rows = await db
        .select()
        .from(t.auditLog)
        .where(subject === null ? undefined : eq(t.auditLog.subject, subject))
        .orderBy(desc(t.auditLog.id))
        .limit(limit);
      return rows.map((r) => ({
        at: date(r.at),
        actorId: r.actorId,
        actor: r.actor,
        action: r.action,
        subject: r.subject,
        details: r.details ?? undefined,
      }));
    },
  };
}
