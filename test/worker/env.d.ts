/** The bindings the workerd tests see (wrangler.toml plus test/worker/vitest.config.ts). */
import type { D1Migration } from 'cloudflare:test';
import type { D1Database, Fetcher } from '@cloudflare/workers-types';

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      TEST_MIGRATIONS: D1Migration[];
      CONTROL_URL: string;
      /** the bundled Worker */
      PRODUCT: Fetcher & { scheduled(options: { cron?: string; scheduledTime?: number }): Promise<{ outcome: string; noRetry: boolean }> };
    }
  }
}
