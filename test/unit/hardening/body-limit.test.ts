/**
 * The webhook routes' size limit (src/http/body-limit.ts) over real HTTP on 127.0.0.1: a body that states its length is
 * judged by it, a chunked body is counted as it is read, and a body within the limit reaches the handler whole.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyLimit } from '../../../src/http/body-limit.js';

const MAX = 1024;
let server: ReturnType<typeof serve>;
let base = '';

beforeAll(async () => {
  const app = new Hono();
  const limit = bodyLimit({ maxSize: MAX, onError: (c) => c.text('request body too large', 413) });
  app.post('/in', limit, async (c) => c.text(`got ${(await c.req.text()).length}`));
  app.post('/bytes', limit, async (c) => c.text(`got ${(await c.req.arrayBuffer()).byteLength}`));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** POST `chunks` with node:http, with a Content-Length or chunked; the status and the body of the answer. */
function post(path: string, chunks: string[], chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
    const req = http.request(
      `${base}${path}`,
      {
        method: 'POST',
        headers: chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', (e) => setTimeout(() => reject(e), 200));
    for (const c of chunks) req.write(c);
    req.end();
  });
}

describe('webhook body limit', () => {
  it('a body within the limit reaches the handler whole, with a length or chunked', async () => {
    expect(await post('/in', ['政务'.repeat(100)], false)).toEqual({ status: 200, text: 'got 200' });
    expect(await post('/in', ['a'.repeat(500), 'b'.repeat(500)], true)).toEqual({ status: 200, text: 'got 1000' });
    expect(await post('/bytes', ['x'.repeat(MAX)], false)).toEqual({ status: 200, text: `got ${MAX}` });
  });

  it('an oversized body is refused with 413, by its stated length or as it is counted', async () => {
    expect(await post('/in', ['x'.repeat(MAX + 1)], false)).toEqual({ status: 413, text: 'request body too large' });
    expect(await post('/in', ['x'.repeat(600), 'y'.repeat(600)], true)).toEqual({
      status: 413,
      text: 'request body too large',
    });
  });
});
