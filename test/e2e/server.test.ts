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
    const token = 'server-test-health-token';
    const server = await startServer({ DATABASE_PATH: db, HEALTH_TOKEN: token });
    try {
      const live = await fetch(`${server.url}/healthz`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ ok: true });
      const r = await fetch(`${server.url}/healthz`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({
        ok: true,
        db: 'ok',
        channels: { feishu: 'off', wecom: 'off', console: 'on' },
      });
      expect(fs.existsSync(db)).toBe(true);
      // the database and its WAL files are the owner's only, whatever the umask
      for (const f of [db, `${db}-wal`, `${db}-shm`]) expect(fs.statSync(f).mode & 0o777, f).toBe(0o600);
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
    await expect(
      startServer({ DATABASE_PATH: path.join(dir, 'c.sqlite'), HEALTH_TOKEN: 'short' }, { timeoutMs: 10_000 }),
    ).rejects.toThrow(/HEALTH_TOKEN must be 16–256 characters/);
  });
});
