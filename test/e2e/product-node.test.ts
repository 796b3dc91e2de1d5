/**
 * The shared product cases (test/shared/product-cases.ts) on the Node server: the real `npm start` process on a
 * better-sqlite3 file, a fake Feishu Open API on 127.0.0.1, and `npm run cli -- remind` as the daily trigger. The same
 * cases run on the Worker inside workerd (test/worker/product.test.ts).
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll } from 'vitest';
import { type FeishuWorld, startFeishuWorld } from '../support/feishu/world.js';
import { runCli } from '../support/process.js';
import { type ProductHarness, productCases } from '../shared/product-cases.js';

const IDS = {
  encryptKey: 'node-shared-encrypt-key',
  bot: 'ou_bot_node_shared',
  admin: 'ou_admin_node_shared',
  healthToken: 'node-shared-health-token',
};
let world: FeishuWorld;

beforeAll(async () => {
  world = await startFeishuWorld({
    name: 'shared',
    admin: IDS.admin,
    bot: IDS.bot,
    group: 'oc_unused',
    encryptKey: IDS.encryptKey,
    appSecret: 'node-shared-secret',
    env: { HEALTH_TOKEN: IDS.healthToken },
  });
});
afterAll(() => world?.close());

const harness = (): ProductHarness => ({
  request: (path, init) => fetch(`${world.server.url}${path}`, init),
  requests: async () => world.fake.requests,
  async failNext(n, status) {
    world.fake.failNext(n, status);
  },
  async rows<T>(sql: string, ...params: unknown[]) {
    const d = new Database(world.dbFile, { readonly: true });
    try {
      return d.prepare(sql).all(...params) as T[];
    } finally {
      d.close();
    }
  },
  async daily() {
    const r = await runCli(['remind'], { env: world.env });
    if (r.code !== 0) throw new Error(`remind exited ${r.code}: ${r.stderr}`);
  },
  // the server's delivery loop retries on its own after the back-off
  async retry() {},
});

productCases('node', harness, IDS);
