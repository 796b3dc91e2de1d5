/**
 * Runs in Node before the workerd tests:
 * - builds the Worker exactly as `wrangler deploy` would (`wrangler deploy --dry-run --outdir`), so a bundling error
 *   fails `npm test`, and the tests run that bundle;
 * - starts a fake Feishu Open API on 127.0.0.1 (the Worker's FEISHU_BASE_URL) and a small control server beside it,
 *   so tests inside workerd can read what the bot sent and plan failures over HTTP.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startFakeFeishu } from '../support/feishu/fake-api.js';
import { WORKER_TEST } from './constants.js';

declare module 'vitest' {
  export interface ProvidedContext {
    feishuUrl: string;
    controlUrl: string;
    /** the bundled Worker (worker.js) */
    workerScript: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = new URL('../..', import.meta.url).pathname;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-worker-'));
  execFileSync(path.join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const script = path.join(outdir, 'worker.js');
  // The Worker must carry no Node-only code: esbuild marks each bundled file with a `// path` comment.
  const bundled = new Set(fs.readFileSync(script, 'utf8').match(/^\/\/ \S+$/gm) ?? []);
  const forbidden = [...bundled].filter((c) =>
    /better-sqlite3|@hono\/node-server|node_modules\/pino\/|^\/\/ (storage\/db|src\/node|src\/cli|src\/log|src\/app\/runtime)\.ts$/.test(
      c,
    ),
  );
  if (forbidden.length) throw new Error(`the Worker bundle includes Node-only code: ${forbidden.join(', ')}`);
  project.provide('workerScript', script);
  const fake = await startFakeFeishu({
    appId: WORKER_TEST.appId,
    appSecret: WORKER_TEST.appSecret,
    botOpenId: WORKER_TEST.bot,
  });
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (v: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(v));
    };
    if (url.pathname === '/requests') return json(fake.requests);
    if (url.pathname === '/fail' && req.method === 'POST') {
      fake.failNext(Number(url.searchParams.get('n') ?? '1'), Number(url.searchParams.get('status') ?? '500'));
      return json({ ok: true });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  project.provide('feishuUrl', fake.url);
  project.provide('controlUrl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  return async () => {
    await new Promise((resolve) => control.close(resolve));
    await fake.close();
    fs.rmSync(outdir, { recursive: true, force: true });
  };
}
