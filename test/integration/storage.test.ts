import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupSqlite } from '../../storage/executor/sqlite.js';
import { guardChanged } from '../../storage/write.js';
import { ConflictError, DuplicateEventError } from '../../src/ports/write.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';

let bot: TestBot;
beforeEach(() => {
  bot = makeBot();
});
afterEach(() => bot.close());

describe('storage', () => {
  it('the database is a WAL-mode SQLite file with every table migrated', () => {
    const journal = bot.rt.db.sqlite.pragma('journal_mode', { simple: true });
    expect(journal).toBe('wal');
    const tables = bot.rt.db.sqlite.prepare("select name from sqlite_master where type='table'").all() as {
      name: string;
    }[];
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'units',
        'people',
        'identities',
        'roles',
        'accounts',
        'filings',
        'posts',
        'settings',
        'calendar_overrides',
        'audit_log',
        'outbox',
        'inbound_events',
      ]),
    );
  });

  it('a commit is atomic: when one statement fails, none of them is applied', async () => {
    const store = bot.rt.services.store;
    const now = new Date();
    await expect(
      store.commit([
        store.units.insert({ id: 1, name: '甲', parentId: null, domains: [], createdAt: now }),
        store.units.insert({ id: 2, name: '甲', parentId: null, domains: [], createdAt: now }), // unique name violated
      ]),
    ).rejects.toThrow(/UNIQUE/);
    expect(await store.units.all()).toEqual([]);
  });

  it('a guarded update that finds its row already changed fails the whole commit with ConflictError', async () => {
    await seedCounty(bot);
    await bot.say('feishu:ou_jy_liaison', '/备案 开设 平台=抖音 名称=2026兴国教育文化节');
    const store = bot.rt.services.store;
    await store.commit([store.filings.setStatus(1, 'confirmed', 1, new Date())]);
    await expect(
      store.commit([
        store.filings.setStatus(1, 'confirmed', 1, new Date()),
        store.audit.add({ at: new Date(), actorId: 1, actor: 'x', action: 'should-not-exist', subject: 'F1' }),
      ]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await store.audit.recent('F1', 10)).map((e) => e.action)).not.toContain('should-not-exist');
    expect(guardChanged('x').label).toBe('guard:x');
  });

  it('recording an event id twice fails the second commit as a duplicate, with none of its writes', async () => {
    const store = bot.rt.services.store;
    const now = new Date();
    await store.commit([store.events.record('feishu:ev1', now)]);
    await expect(
      store.commit([
        store.units.insert({ id: 9, name: '乙', parentId: null, domains: [], createdAt: now }),
        store.events.record('feishu:ev1', now),
      ]),
    ).rejects.toBeInstanceOf(DuplicateEventError);
    expect(await store.units.byName('乙')).toBeNull();
  });

  it('ids users type are allocated in sequence per kind', async () => {
    const store = bot.rt.services.store;
    expect([await store.nextId('filing'), await store.nextId('filing'), await store.nextId('review')]).toEqual([
      1, 2, 1,
    ]);
  });

  it('backup makes a consistent copy of a live database while it is being written', async () => {
    await seedCounty(bot);
    const target = `${bot.dir}/backup.sqlite`;
    const writes = (async () => {
      for (let i = 0; i < 30; i++) await bot.say(ADMIN, `/单位 新增 名称=备份测试单位${i}`);
    })();
    await backupSqlite(bot.file, target);
    await writes;
    const copy = new Database(target, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    const n = (copy.prepare('select count(*) n from units').get() as { n: number }).n;
    expect(n).toBeGreaterThanOrEqual(3);
    copy.close();
    expect(fs.statSync(target).size).toBeGreaterThan(0);
  });
});
