/** The settings repository (`Store['settings']`): key-value settings admins change at run time. */
import type { Store } from '../../src/ports/store.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { w } from '../write.js';
import { lazy, ms } from './rows.js';

export function createSettingsRepo(db: Db): Store['settings'] {
  const allSettings = lazy(() => db.select().from(t.settings).prepare());
  return {
    async all() {
      const rows = await allSettings().all();
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
    set(key, value, by, at) {
      return w(
        'settings.set',
        db
          .insert(t.settings)
          .values({ key, value, updatedAt: ms(at), updatedBy: by })
          .onConflictDoUpdate({ target: t.settings.key, set: { value, updatedAt: ms(at), updatedBy: by } }),
      );
    },
  };
}
