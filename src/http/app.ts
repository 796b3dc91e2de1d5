/**
 * The Hono app: Web-standard Request → Response only, so the same app serves Node (@hono/node-server) and Workers.
 * Channels mount their webhook routes on it; nothing here talks to a platform before answering.
 */
import { Hono } from 'hono';
import type { Logger } from '../ports/logger.js';

export interface HealthReport {
  ok: boolean;
  db: 'ok' | 'error';
  channels: Record<string, 'on' | 'off'>;
  /** facts the channels report about themselves (the WeChat bot's login state), by channel */
  details?: Record<string, Record<string, unknown>>;
  outbox?: { pending: number; failed: number };
}

export interface AppDeps {
  log: Logger;
  health(): Promise<HealthReport>;
  /** channel routes (Feishu, WeCom), mounted under their prefixes */
  mount?: (app: Hono) => void;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/healthz', async (c) => {
    const h = await deps.health();
    return c.json(h, h.ok ? 200 : 503);
  });
  deps.mount?.(app);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    // A handler bug must not leak a stack trace to a platform or a probe.
    deps.log.error({ err, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
