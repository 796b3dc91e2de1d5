/**
 * What the workerd tests use of the `cloudflare:*` modules, typed for the project's one tsc run (Node types): the
 * full declarations (@cloudflare/vitest-pool-workers/types, the ambient @cloudflare/workers-types) would clash with
 * @types/node's globals.
 */

interface D1Migration {
  name: string;
  queries: string[];
}

interface WorkerTestEnv {
  DB: import('@cloudflare/workers-types').D1Database;
  TEST_MIGRATIONS: D1Migration[];
  /** the control server beside the fake Feishu API (global-setup.ts) */
  CONTROL_URL: string;
  /** the bundled Worker; `scheduled` resolves when its handler has finished */
  PRODUCT: import('@cloudflare/workers-types').Fetcher & {
    scheduled(options: { cron?: string; scheduledTime?: number }): Promise<unknown>;
  };
}

declare module 'cloudflare:workers' {
  export const env: WorkerTestEnv;
}

declare module 'cloudflare:test' {
  export function applyD1Migrations(
    db: import('@cloudflare/workers-types').D1Database,
    migrations: D1Migration[],
    migrationsTableName?: string,
  ): Promise<void>;
}
