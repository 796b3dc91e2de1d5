/** Channel state (src/ports/channel-state.ts) on the `channel_state` table. */
import { sql } from 'drizzle-orm';
import type { ChannelState } from '../../src/ports/channel-state.js';
import type { Db } from '../executor/types.js';

export function createChannelState(db: Db): ChannelState {
  return {
    async get(key, now) {
      const row = (await db.get<{ value: string }>(
        sql`SELECT value FROM channel_state WHERE key = ${key} AND expires_at > ${now.getTime()}`,
      )) as { value: string } | undefined;
      return row?.value ?? null;
    },
    async put(key, value, expiresAt, now) {
      await db.run(sql`INSERT INTO channel_state (key, value, expires_at, updated_at) VALUES (${key}, ${value}, ${expiresAt.getTime()}, ${now.getTime()})
        ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at, updated_at = excluded.updated_at`);
    },
    async delete(key) {
      await db.run(sql`DELETE FROM channel_state WHERE key = ${key}`);
    },
    async purgeExpired(now) {
      await db.run(sql`DELETE FROM channel_state WHERE expires_at <= ${now.getTime()}`);
    },
  };
}
