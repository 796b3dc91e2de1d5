import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../support/process.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-srv-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('npm start', () => {
  it('starts with no platform credentials, applies migrations, answers /healthz and says which channels are off', async () => {
    const db = path.join(dir, 'nested', 'govmedia.sqlite');
    const server = await startServer({ DATABASE_PATH: db });
    try {
      const r = await fetch(`${server.url}/healthz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({
        ok: true,
        db: 'ok',
        channels: { feishu: 'off', wecom: 'off', console: 'on' },
      });
      expect(fs.existsSync(db)).toBe(true);
      expect(server.logs()).toContain('channel feishu is off');
      expect((await fetch(`${server.url}/nope`)).status).toBe(404);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses to start on a bad setting and says which one', async () => {
    await expect(
      startServer({ DATABASE_PATH: path.join(dir, 'b.sqlite'), ADMINS: 'feishu:ou_a,qq:1' }, { timeoutMs: 10_000 }),
    ).rejects.toThrow(/ADMINS entry "qq:1"/);
  });
});
