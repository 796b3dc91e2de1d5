/**
 * The workerd test project: the Worker as `wrangler deploy` bundles it (built by global-setup.ts) runs as a second
 * worker beside the tests, bound to them as PRODUCT and sharing their local D1 database (the migrations applied by
 * apply-migrations.ts), against a fake Feishu Open API served from Node. (The Worker's source is not loaded into the
 * test worker itself: the Feishu SDK is one 6 MB module, more than the pool's module transport carries.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { WORKER_TEST } from './constants.js';

const root = new URL('../..', import.meta.url).pathname;
/** the same date as wrangler.toml */
const COMPATIBILITY_DATE = /^compatibility_date = "([\d-]+)"/m.exec(
  fs.readFileSync(path.join(root, 'wrangler.toml'), 'utf8'),
)![1]!;
/** one local D1 database shared by the tests and the Worker */
const D1_ID = 'govmedia-test';

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(root, 'storage/migrations'));
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        miniflare: {
          compatibilityDate: COMPATIBILITY_DATE,
          compatibilityFlags: ['nodejs_compat'],
          d1Databases: { DB: D1_ID },
          serviceBindings: { PRODUCT: 'product' },
          bindings: { TEST_MIGRATIONS: migrations, CONTROL_URL: inject('controlUrl') },
          workers: [
            {
              name: 'product',
              // one ES module, listed rather than scanned: the bundle keeps a dynamic import() of an optional package
              modules: [{ type: 'ESModule', path: inject('workerScript') }],
              modulesRoot: path.dirname(inject('workerScript')),
              compatibilityDate: COMPATIBILITY_DATE,
              compatibilityFlags: ['nodejs_compat'],
              d1Databases: { DB: D1_ID },
              bindings: {
                FEISHU_BASE_URL: inject('feishuUrl'),
                FEISHU_APP_ID: WORKER_TEST.appId,
                FEISHU_APP_SECRET: WORKER_TEST.appSecret,
                FEISHU_ENCRYPT_KEY: WORKER_TEST.encryptKey,
                FEISHU_VERIFICATION_TOKEN: WORKER_TEST.verificationToken,
                ADMINS: `feishu:${WORKER_TEST.admin}`,
                HEALTH_TOKEN: WORKER_TEST.healthToken,
                LOG_LEVEL: 'warn',
              },
            },
          ],
        },
      })),
    ],
    test: {
      root,
      include: ['test/worker/**/*.test.ts'],
      globalSetup: [path.join(root, 'test/worker/global-setup.ts')],
      setupFiles: [path.join(root, 'test/worker/apply-migrations.ts')],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
});
