/**
 * The shared product cases (test/shared/product-cases.ts) on the Worker inside workerd: the deployable bundle's
 * `fetch` and `scheduled` handlers (with the wrangler.toml cron expressions), its D1 database, and a fake Feishu
 * Open API served from Node (global-setup.ts), read over HTTP.
 */
import { env } from 'cloudflare:workers';
import { DAILY_CRON, FREQUENT_CRON } from '../../src/worker/crons.js';
import type { RecordedRequest } from '../support/feishu/fake-api.js';
import { type ProductHarness, productCases } from '../shared/product-cases.js';
import { WORKER_TEST } from './constants.js';

async function cron(expr: string): Promise<void> {
  // resolves when the handler has finished (it awaits its work rather than leaving it to waitUntil)
  await env.PRODUCT.scheduled({ cron: expr, scheduledTime: Date.now() });
}

const harness: ProductHarness = {
  // workerd's Response, typed here with Node's: the suite reads only status and body
  request: (path, init) => env.PRODUCT.fetch(`https://govmedia.example${path}`, init) as unknown as Promise<Response>,
  requests: async () => (await (await fetch(`${env.CONTROL_URL}/requests`)).json()) as RecordedRequest[],
  async failNext(n, status) {
    await fetch(`${env.CONTROL_URL}/fail?n=${n}&status=${status}`, { method: 'POST' });
  },
  async rows<T>(sql: string, ...params: unknown[]) {
    return (
      await env.DB.prepare(sql)
        .bind(...params)
        .all<T>()
    ).results;
  },
  daily: () => cron(DAILY_CRON),
  retry: () => cron(FREQUENT_CRON),
};

productCases('workerd', () => harness, {
  encryptKey: WORKER_TEST.encryptKey,
  bot: WORKER_TEST.bot,
  admin: WORKER_TEST.admin,
  healthToken: WORKER_TEST.healthToken,
});
