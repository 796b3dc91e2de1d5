/**
 * The Hono app: Web-standard Request → Response only, so the same app serves Node (@hono/node-server) and Workers.
 * Channels mount their webhook routes on it; nothing here talks to a platform before answering.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import type { Logger } from '../ports/logger.js';
import { StoreBusyError } from '../ports/write.js';

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
  /**
   * The database's state, and with `details` the channels and the queue. Without details nothing but a trivial query
   * runs, so an unauthenticated probe costs nothing.
   */
  health(opts: { details: boolean }): Promise<HealthReport>;
  /** HEALTH_TOKEN: a request that gives it sees the details; without a token nobody does */
  healthToken?: string | undefined;
  /** channel routes (Feishu, WeCom), mounted under their prefixes */
  mount?: (app: Hono) => void;
}

/** Compared as SHA-256 digests: equal lengths, so the comparison takes the same time whatever was given. */
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const token = deps.healthToken ? digest(deps.healthToken) : null;
  app.get('/healthz', async (c) => {
    const given = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? c.req.query('token');
    const details = token !== null && given !== undefined && timingSafeEqual(digest(given), token);
    const h = await deps.health({ details });
    // liveness (and whether the database answers) only, unless the token was given
    return c.json(details ? h : { ok: h.ok }, h.ok ? 200 : 503);
  });
  deps.mount?.(app);
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((err, c) => {
    if (err instanceof StoreBusyError) {
      // nothing was committed; a platform retries a 5xx
      deps.log.warn({ path: c.req.path }, 'database busy: request not processed, answered 503');
      c.header('Retry-After', '1');
      return c.json({ error: 'busy, try again' }, 503);
    }
    // A handler bug must not leak a stack trace to a platform or a probe.
    deps.log.error({ err, path: c.req.path }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}
