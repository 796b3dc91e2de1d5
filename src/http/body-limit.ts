/**
 * The size limit of the webhook routes. A request that states its length (Content-Length, no Transfer-Encoding) is
 * judged by the header alone and its body is left for the handler to read; one without (chunked) is read under the
 * limit by Hono's bodyLimit. Unlike Hono's middleware, nothing here touches `c.req.raw.body`: on Node that would
 * make @hono/node-server build a full web `Request` with a stream over the socket for every webhook, where reading
 * `c.req.text()` or `arrayBuffer()` takes its direct path from the incoming message (a third of a small webhook's
 * time in the HTTP layer, by the CPU profile of the webhook benchmark).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit as streamingLimit } from 'hono/body-limit';

export function bodyLimit(opts: { maxSize: number; onError: (c: Context) => Response | Promise<Response> }) {
  const streaming = streamingLimit(opts);
  const limit: MiddlewareHandler = async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number.parseInt(length || '0', 10) > opts.maxSize) return opts.onError(c);
      await next();
      return;
    }
    return streaming(c, next);
  };
  return limit;
}
