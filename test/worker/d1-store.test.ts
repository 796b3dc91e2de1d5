/**
 * The repositories on D1 inside workerd: a commit is one D1 batch, all or none; a guarded write that finds its row
 * already changed rolls the batch back and surfaces as ConflictError; a repeated event id as DuplicateEventError (the
 * same errors the better-sqlite3 path raises, test/integration/storage.test.ts); D1's per-statement limits are checked
 * before anything is sent, and the sweep's bulk inserts stay within them.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { cutoffsAt, runRetention } from '../../src/jobs/retention.js';
import { silentLogger } from '../../src/ports/logger.js';
import { ConflictError, DuplicateEventError } from '../../src/ports/write.js';
import { D1_MAX_PARAMS, D1LimitError, openD1 } from '../../storage/executor/d1.js';
import { createStore } from '../../storage/store.js';
import { createSweepStore } from '../../storage/repos/sweep.js';
import { flattenWrites } from '../../storage/write.js';

const d1 = openD1(env.DB);
const store = createStore(d1.db, d1.executor);
const now = new Date('2026-11-20T02:00:00Z');
const unit = (id: number, name: string) =>
  store.units.insert({ id, name, parentId: null, domains: [], createdAt: now });
const count = async (sql: string, ...params: unknown[]) =>
  Number(
    (
      await env.DB.prepare(sql)
        .bind(...params)
        .first<{ n: number }>()
    )?.n,
  );

describe('D1 storage', () => {
  it('a commit is atomic: when one statement fails, none of them is applied', async () => {
    await expect(store.commit([unit(101, '甲局'), unit(102, '甲局')])).rejects.toThrow(/UNIQUE/);
    expect(await count('SELECT count(*) n FROM units WHERE id IN (101, 102)')).toBe(0);
  });

  it('a guarded update that changed no row fails the whole batch with ConflictError', async () => {
    await store.commit([
      store.outbox.enqueue(
        {
          channel: 'feishu',
          targetType: 'chat',
          target: 'oc_x',
          payload: { title: 't', blocks: [] },
          dedupeKey: 'guard-test',
        },
        now,
      ),
    ]);
    const row = await store.outbox.byKey('guard-test');
    // the first claim takes the lease; a second claim in the same instant finds nothing to change
    await store.commit(store.outbox.claim(row!.id, now, 60_000));
    const err = await store
      .commit([store.outbox.claim(row!.id, now, 60_000), unit(103, '不应写入的单位')])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).label).toBe(`guard:outbox:${row!.id}`);
    expect(await count('SELECT count(*) n FROM units WHERE id = 103')).toBe(0);
    expect(await count('SELECT count(*) n FROM guards')).toBe(0);
  });

  it('recording an event id twice fails the second commit as a duplicate, with none of its writes', async () => {
    await store.commit([store.events.record('feishu:d1-ev1', now)]);
    await expect(store.commit([unit(104, '乙局'), store.events.record('feishu:d1-ev1', now)])).rejects.toBeInstanceOf(
      DuplicateEventError,
    );
    expect(await store.units.byName('乙局')).toBeNull();
  });

  it('ids are allocated in sequence through the executor', async () => {
    const a = await store.nextId('filing');
    expect(await store.nextId('filing')).toBe(a + 1);
  });

  it('refuses a statement over 100 bound parameters before sending it', async () => {
    const params = Array.from({ length: D1_MAX_PARAMS + 1 }, (_, i) => i);
    await expect(
      d1.executor.batch([{ sql: `SELECT ${params.map(() => '?').join(', ')}`, params }]),
    ).rejects.toBeInstanceOf(D1LimitError);
  });

  it('the sweep records a thousand reminders in statements of at most 100 parameters, once', async () => {
    const sweep = createSweepStore(d1.db);
    const records = Array.from({ length: 1000 }, (_, i) => ({
      kind: 'dormant',
      period: '2026-11-20',
      unitId: 1,
      accountId: i + 1,
      ref: 0,
    }));
    const statements = flattenWrites(sweep.record(records, now)).map((x) => x.statement);
    expect(Math.max(...statements.map((s) => s.params.length))).toBeLessThanOrEqual(D1_MAX_PARAMS);
    await store.commit(sweep.record(records, now));
    expect(await count("SELECT count(*) n FROM reminders WHERE period = '2026-11-20'")).toBe(1000);
    // a second sweep recording any of them again loses the race as a whole: each reminder is sent once
    await expect(store.commit(sweep.record(records.slice(500, 520), now))).rejects.toBeInstanceOf(ConflictError);
  });

  it('the reads of every message, written as SQL for the executor, read the same rows on D1', async () => {
    const opened = new Date('2026-11-02T00:00:00Z');
    const account = (id: number, platform: 'weibo' | 'douyin', status: 'active' | 'suspended') =>
      store.accounts.insert(
        {
          id,
          unitId: 201,
          platform,
          name: `读取局${id}`,
          externalId: null,
          url: null,
          openedOn: '2026-11-02',
          status,
          operation: 'self',
          operatorName: null,
          operatorKind: null,
          officerId: 301,
          feedUrl: null,
          passwordChangedOn: null,
          createdAt: opened,
        },
        opened,
      );
    await store.commit([
      store.units.insert({ id: 201, name: '读取局', parentId: null, domains: ['gov.cn'], createdAt: opened }),
      store.people.insert({ id: 301, name: '王读', title: '科员', phone: null, unitId: 201, active: true }, opened),
      store.people.addIdentity(301, { channel: 'feishu', externalId: 'ou_reads' }),
      store.people.addRoles(301, [
        { role: 'liaison', unitId: 201 },
        { role: 'admin', unitId: null },
      ]),
      account(401, 'weibo', 'active'),
      account(402, 'douyin', 'suspended'),
      store.posts.insert(
        {
          accountId: 401,
          publishedAt: new Date('2026-11-18T02:00:00Z'),
          title: '一条',
          url: null,
          source: 'manual',
          externalId: null,
        },
        301,
        now,
      ),
      store.events.record('feishu:reads-1', now),
    ]);
    expect(await store.events.seen('feishu:reads-1')).toBe(true);
    expect(await store.events.seen('feishu:reads-2')).toBe(false);
    const p = await store.people.byIdentity({ channel: 'feishu', externalId: 'ou_reads' });
    expect(p).toMatchObject({ id: 301, name: '王读', title: '科员', unitId: 201, active: true });
    expect(p?.roles).toEqual(
      expect.arrayContaining([
        { role: 'liaison', unitId: 201 },
        { role: 'admin', unitId: null },
      ]),
    );
    expect(p?.identities).toEqual([{ channel: 'feishu', externalId: 'ou_reads' }]);
    expect(await store.people.byIdentity({ channel: 'feishu', externalId: 'ou_nobody' })).toBeNull();
    const u = (await store.units.all()).find((x) => x.id === 201);
    expect(u).toEqual({ id: 201, name: '读取局', parentId: null, domains: ['gov.cn'], createdAt: opened, kind: null });
    const rows = await store.accounts.register({ unitId: 201 }, now);
    expect(rows.map((r) => [r.id, r.platform, r.status, r.unitName, r.officerName, r.postsLast7Days])).toEqual([
      [402, 'douyin', 'suspended', '读取局', '王读', 0],
      [401, 'weibo', 'active', '读取局', '王读', 1],
    ]);
    expect(rows[1]?.lastPostAt).toEqual(new Date('2026-11-18T02:00:00Z'));
    expect(rows[1]?.createdAt).toEqual(opened);
    expect(
      (await store.accounts.register({ unitId: 201, status: 'active', platform: 'weibo' }, now)).map((r) => r.id),
    ).toEqual([401]);
  });

  it('retention runs on D1: a sent message loses its contents and its file, a waiting one keeps both, old audit entries go', async () => {
    const t0 = new Date('2020-03-02T02:00:00Z');
    const day = 86_400_000;
    const msg = (key: string, fileId: number) =>
      store.outbox.enqueue(
        {
          channel: 'feishu',
          targetType: 'user',
          target: 'ou_d1_retention',
          payload: {
            blocks: [
              { type: 'text', text: '名单 13812345678' },
              { type: 'file', fileId, name: 'a.xlsx' },
            ],
          },
          dedupeKey: key,
        },
        t0,
      );
    const file = (id: number) =>
      store.files.put(
        { id, name: 'a.xlsx', mime: 'application/octet-stream', bytes: new Uint8Array([1]), createdBy: null },
        t0,
      );
    await store.commit([
      file(9001),
      file(9002),
      msg('d1-ret-sent', 9001),
      msg('d1-ret-waiting', 9002),
      store.audit.add({
        at: new Date(t0.getTime() - 400 * day),
        actorId: null,
        actor: 'x',
        action: 'd1.old',
        subject: 'x',
      }),
    ]);
    await env.DB.prepare(
      "UPDATE outbox SET status = 'sent', sent_at = next_attempt_at, platform_message_id = 'om_d1' WHERE dedupe_key = 'd1-ret-sent'",
    ).run();
    for (const w of flattenWrites(store.retention.prune(await cutoffsAt(store, t0), 5_000)))
      expect(w.statement.params.length).toBeLessThanOrEqual(D1_MAX_PARAMS);
    expect(await runRetention({ store, log: silentLogger }, new Date(t0.getTime() + 31 * day))).toEqual({
      rounds: 1,
      done: true,
    });
    const rows = await env.DB.prepare(
      "SELECT dedupe_key, status, payload, platform_message_id FROM outbox WHERE dedupe_key LIKE 'd1-ret-%' ORDER BY id",
    ).all();
    expect(rows.results).toEqual([
      { dedupe_key: 'd1-ret-sent', status: 'archived', payload: '{"blocks":[]}', platform_message_id: 'om_d1' },
      {
        dedupe_key: 'd1-ret-waiting',
        status: 'pending',
        payload: expect.stringContaining('13812345678'),
        platform_message_id: null,
      },
    ]);
    expect(await count('SELECT count(*) n FROM files WHERE id IN (9001, 9002)')).toBe(1);
    expect(await count('SELECT count(*) n FROM files WHERE id = 9002')).toBe(1);
    expect(await count("SELECT count(*) n FROM audit_log WHERE action = 'd1.old'")).toBe(0);
  });
});

describe('the sweep on D1', () => {
  it('reads a page of accounts in one statement and tells what is recorded already', async () => {
    const sweep = createSweepStore(d1.db);
    const at = new Date('2026-11-23T01:00:00Z');
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO units (id, name, parent_id, domains, created_at) VALUES (900, '丙局', NULL, '[]', 0)",
      ),
      env.DB.prepare(
        "INSERT INTO accounts (id, unit_id, platform, name, opened_on, status, operation, created_at, updated_at) VALUES (9001, 900, 'weibo', '丙局发布', '2026-01-05', 'active', 'self', 0, 0)",
      ),
    ]);
    const checks = (onlyNew: number[] | null) =>
      sweep.accountChecks({
        now: at,
        units: { from: 900, to: 900 },
        idle: {
          warn: { sinceDate: '2026-11-13', postBefore: new Date('2026-11-13T16:00:00Z') },
          dormant: { sinceDate: '2026-11-09', postBefore: new Date('2026-11-09T16:00:00Z') },
          period: '2026-11-23',
        },
        weekly: null,
        password: { sinceDate: '2026-08-25', period: '2026-W48' },
        onlyNew,
      });
    const [a] = await checks(null);
    expect(a).toMatchObject({
      accountId: 9001,
      unitId: 900,
      idle: 'dormant',
      idleToken: null,
      passwordSince: '2026-01-05',
      passwordToken: null,
    });
    await store.commit(
      sweep.record([{ kind: 'dormant', period: '2026-11-23', unitId: 900, accountId: 9001, ref: 0 }], at, 77),
    );
    expect((await checks(null))[0]).toMatchObject({ idleToken: 77, passwordToken: null });
    expect(await sweep.unsummarized()).toEqual(new Map([[77, 1]]));
    // only what is new (the password), or recorded by a sweep whose summary is still to come
    expect((await checks([])).map((r) => r.accountId)).toEqual([9001]);
    await store.commit(
      sweep.record([{ kind: 'password', period: '2026-W48', unitId: 900, accountId: 9001, ref: 0 }], at, 77),
    );
    expect(await checks([])).toEqual([]);
    expect((await checks([77])).map((r) => r.idleToken)).toEqual([77]);
    await store.commit(sweep.summarized([77], 2));
    expect(await sweep.unsummarized()).toEqual(new Map());
  });
});
