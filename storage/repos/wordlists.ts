/** The word lists repository (`WordListRepo`, src/ports/reviews.ts): the words and patterns the pre-check looks for. */
import { and, asc, eq } from 'drizzle-orm';
import type { WordListKind, WordListRepo } from '../../src/ports/reviews.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { ms } from './rows.js';

export function createWordListRepo(db: Db): WordListRepo {
  return {
    async all() {
      const rows = await db.select().from(t.wordLists).orderBy(asc(t.wordLists.kind), asc(t.wordLists.id));
      return rows.map((r) => ({ kind: r.kind as WordListKind, value: r.value, extra: r.extra }));
    },
    add(e, by, at) {
      return w(
        'wordlist.add',
        db
          .insert(t.wordLists)
          .values({ kind: e.kind, value: e.value, extra: e.extra, createdBy: by, createdAt: ms(at) })
          .onConflictDoUpdate({
            target: [t.wordLists.kind, t.wordLists.value],
            set: { extra: e.extra, createdBy: by, createdAt: ms(at) },
          }),
      );
    },
    remove(kind, value) {
      return w(
        'wordlist.remove',
        db.delete(t.wordLists).where(and(eq(t.wordLists.kind, kind), eq(t.wordLists.value, value))),
      );
    },
  };
}
