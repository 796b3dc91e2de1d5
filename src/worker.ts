/**
 * The Cloudflare Worker entry (wrangler.toml `main`): the same product as `npm start`, on D1, with cron triggers.
 * Composed once per isolate (src/worker/app.ts); never imports better-sqlite3, node:fs or the Node server.
 */
import type { ExecutionContext, ScheduledController } from '@cloudflare/workers-types';
import { buildWorkerApp, type WorkerApp, type WorkerEnv } from './worker/app.js';

const apps = new WeakMap<object, WorkerApp>();
function appFor(env: WorkerEnv): WorkerApp {
  let w = apps.get(env);
  if (!w) apps.set(env, (w = buildWorkerApp(env)));
  return w;
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const w = appFor(env);
    ctx.waitUntil(w.start());
    const response = await w.app.fetch(request, env, ctx);
    // what the webhook queued is sent after the answer; a failure is retried by the next cron trigger
    if (w.takeKick()) ctx.waitUntil(w.deliver('request'));
    return response;
  },

  async scheduled(controller: ScheduledController, env: WorkerEnv): Promise<void> {
    await appFor(env).scheduled(controller.cron);
  },
};
