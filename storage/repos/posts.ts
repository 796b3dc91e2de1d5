/** The posts repository (`Store['posts']`): what accounts published. */
import { desc, eq } from 'drizzle-orm';
import type { Post } from '../../src/domain/model.js';
import type { Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { date, ms } from './rows.js';

export function createPostRepo(db: Db): Store['posts'] {
  return {
    insert(p: Post, by, at) {
      return w(
        'post.insert',
        db
          .insert(t.posts)
          .values({
            accountId: p.accountId,
            publishedAt: ms(p.publishedAt),
            title: p.title,
            url: p.url,
            source: p.source,
            externalId: p.externalId,
            createdBy: by,
            createdAt: ms(at),
          })
          .onConflictDoNothing(),
      );
    },
    async recent(accountId, limit) {
      const rows = await db
        .select()
        .from(t.posts)
        .where(eq(t.posts.accountId, accountId))
        .orderBy(desc(t.posts.publishedAt))
        .limit(limit);
      return rows.map((r) => ({
        accountId: r.accountId,
        publishedAt: date(r.publishedAt),
        title: r.title,
        url: r.url,
        source: r.source as Post['source'],
        externalId: r.externalId,
      }));
    },
  };
}
