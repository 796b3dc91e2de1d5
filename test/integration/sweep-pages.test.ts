/**
 * The sweep at scale: account activity kept with the posts (so the sweep reads accounts, not posts), and a sweep
 * cut off between pages of units, run again: every reminder sent exactly once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openSqlite } from '../../storage/executor/sqlite.js';
import { ADMIN, makeBot, seedCounty, type TestBot } from '../support/runtime.js';
import { queued, sweepAt } from '../support/reminders.js';
import { runSweep } from '../../src/jobs/sweep.js';

const bots: TestBot[] = [];
afterEach(() => {
  for (const b of bots.splice(0)) b.close();
});

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Activity = { accounts: [number, number][]; weeks: [number, string, number][] };

/** The activity tables as kept, and as recomputed from the posts (Monday of the Shanghai ISO week, by hand in JS). */
function activity(db: Database.Database): { kept: Activity; fromPosts: Activity } {
  const kept: Activity = {
    accounts: (
      db.prepare('SELECT account_id AS a, last_post_at AS t FROM account_activity ORDER BY 1').all() as {
        a: number;
        t: number;
      }[]
    ).map((r) => [r.a, r.t]),
    weeks: (
      db.prepare('SELECT account_id AS a, monday AS m, posts AS n FROM post_weeks ORDER BY 1, 2').all() as {
        a: number;
        m: string;
        n: number;
      }[]
    ).map((r) => [r.a, r.m, r.n]),
  };
  const posts = db.prepare('SELECT account_id AS a, published_at AS t FROM posts').all() as { a: number; t: number }[];
  const last = new Map<number, number>();
  const weeks = new Map<string, number>();
  for (const p of posts) {
    last.set(p.a, Math.max(last.get(p.a) ?? -Infinity, p.t));
    const local = new Date(p.t + 8 * 3_600_000);
    const back = (local.getUTCDay() + 6) % 7; // days since Monday
    const monday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - back));
    const k = `${p.a}|${monday.toISOString().slice(0, 10)}`;
    weeks.set(k, (weeks.get(k) ?? 0) + 1);
  }
  const fromPosts: Activity = {
    accounts: [...last].sort((x, y) => x[0] - y[0]),
    weeks: [...weeks]
      .map(([k, n]): [number, string, number] => {
        const [a, m] = k.split('|');
        return [Number(a), m!, n];
      })
      .sort((x, y) => x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0)),
  };
  return { kept, fromPosts };
}

describe('account activity is kept in the write that records a post', () => {
  it('whatever the published time (past, other weeks, around midnight Shanghai), duplicates by external id ignored, deletes and moves too', async () => {
    const bot = makeBot({ now: '2026-11-23T09:00:00+08:00' });
    bots.push(bot);
    const store = bot.rt.services.store;
    const rand = rng(16);
    const base = new Date('2026-11-23T00:00:00+08:00').getTime();
    for (let n = 0; n < 400; n++) {
      // within ±40 days of a Monday midnight, often right at a day's edge in Shanghai
      const edge = rand() < 0.3 ? Math.floor(rand() * 80 - 40) * 86_400_000 + (rand() < 0.5 ? -1 : 0) : 0;
      const t = edge || base + Math.floor((rand() - 0.8) * 40 * 86_400_000);
      const accountId = 1 + Math.floor(rand() * 6);
      const externalId = rand() < 0.4 ? `item-${Math.floor(rand() * 30)}` : null; // feed items: many repeats
      await store.commit(
        store.posts.insert(
          {
            accountId,
            publishedAt: new Date(t),
            title: 't',
            url: null,
            source: externalId ? 'feed' : 'manual',
            externalId,
          },
          null,
          new Date(base),
        ),
      );
    }
    const db = bot.rt.db.sqlite;
    let a = activity(db);
    expect(a.kept.weeks.length).toBeGreaterThan(20);
    expect(db.prepare('SELECT count(*) AS n FROM posts').get()).toEqual({
      n: a.kept.weeks.reduce((s, w) => s + w[2], 0),
    });
    expect(a.kept).toEqual(a.fromPosts);

    // the latest post of account 1 removed, another post moved to another account and week
    db.prepare(
      'DELETE FROM posts WHERE id = (SELECT id FROM posts WHERE account_id = 1 ORDER BY published_at DESC LIMIT 1)',
    ).run();
    db.prepare(
      'UPDATE posts SET account_id = 7, published_at = published_at - 9 * 86400000 WHERE id = (SELECT min(id) FROM posts WHERE account_id = 2)',
    ).run();
    a = activity(db);
    expect(a.kept).toEqual(a.fromPosts);
  });

  it('the migration fills the activity of posts recorded before it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-activity-'));
    try {
      // the migrations up to the one before account activity
      const old = path.join(dir, 'migrations');
      fs.mkdirSync(path.join(old, 'meta'), { recursive: true });
      const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as {
        entries: { idx: number; tag: string }[];
      };
      const at = journal.entries.findIndex((e) => e.tag.endsWith('account_activity'));
      expect(at).toBeGreaterThan(0);
      journal.entries = journal.entries.slice(0, at);
      fs.writeFileSync(path.join(old, 'meta/_journal.json'), JSON.stringify(journal));
      for (const e of journal.entries)
        fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(old, `${e.tag}.sql`));
      const file = path.join(dir, 'old.sqlite');
      const sqlite = new Database(file);
      migrate(drizzle(sqlite), { migrationsFolder: old });
      const insert = sqlite.prepare(
        "INSERT INTO posts (account_id, published_at, title, source, created_at) VALUES (?, ?, 't', 'manual', 0)",
      );
      const rand = rng(7);
      for (let n = 0; n < 300; n++)
        insert.run(1 + Math.floor(rand() * 9), Date.UTC(2026, 9, 1) + Math.floor(rand() * 60 * 86_400_000));
      sqlite.close();

      const now = openSqlite(file); // migrates to the latest
      const a = activity(now.sqlite);
      expect(a.kept.accounts).toHaveLength(9);
      expect(a.kept).toEqual(a.fromPosts);
      now.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Three units (政府办 with no accounts; 教育局 with a group and a liaison; 卫健委 with a liaison only), one page each.
 * On Monday 2026-11-23: 兴国教育 (教育局) and 兴国卫健 (卫健委) dormant since 11-01; 卫健发布 (卫健委) posted once
 * in the week before (fewer than 2: 神木 第十二条).
 */
async function county(): Promise<TestBot> {
  const b = makeBot({ now: '2026-03-01T10:00:00+08:00' });
  bots.push(b);
  await seedCounty(b);
  expect(
    await b.say(ADMIN, '/单位 绑定群 单位=兴国县教育局', { channel: 'feishu', id: 'oc_jy', type: 'group' }),
  ).toContain('工作群');
  for (const who of [
    ['feishu:ou_jy_liaison', '兴国教育', '微信公众号'],
    ['feishu:ou_wj_liaison', '兴国卫健', '微信公众号'],
    ['feishu:ou_wj_liaison', '卫健发布', '微博'],
  ] as const) {
    expect(await b.say(who[0], `/备案 开设 平台=${who[2]} 名称=${who[1]} 开设日期=2026-03-01`)).toContain('已备案');
  }
  const store = b.rt.services.store;
  for (const [accountId, iso] of [
    [1, '2026-11-01T12:00:00+08:00'],
    [2, '2026-11-01T12:00:00+08:00'],
    [3, '2026-11-18T12:00:00+08:00'],
  ] as const) {
    await store.commit(
      store.posts.insert(
        { accountId, publishedAt: new Date(iso), title: 't', url: null, source: 'manual', externalId: null },
        null,
        new Date(iso),
      ),
    );
  }
  return b;
}

const MONDAY = new Date('2026-11-23T09:00:00+08:00');
const keys = (b: TestBot): string[] =>
  (
    b.rt.db.sqlite
      .prepare("SELECT kind || '|' || account_id || '|' || ref || '|' || period AS id FROM reminders ORDER BY 1")
      .all() as { id: string }[]
  ).map((r) => r.id);
const sent = (b: TestBot): string[] =>
  queued(b)
    .map((m) => `${m.channel}:${m.targetType}:${m.target}\n${m.text}`)
    .sort();

describe('a sweep cut off between pages of units, run again', () => {
  it('sends every reminder exactly once: the same reminders and messages as a sweep that ran through', async () => {
    const whole = await county();
    const w = await runSweep(whole.rt, { now: MONDAY, trigger: 'test', unitsPerPage: 1 });
    expect(w.committed).toBe(true);
    expect(w.fresh.map((i) => `${i.kind}|${i.accountId ?? 0}|${i.ref}|${i.period}`).sort()).toEqual(keys(whole));
    expect(new Set(w.fresh.map((i) => i.kind))).toEqual(new Set(['dormant', 'weekly', 'password']));

    // the run after the cut keeps its findings (as /提醒 预览 and the tests do) or only its totals (as the scheduler)
    for (const [cutAt, retain] of [
      [1, true],
      [2, true],
      [3, true],
      [1, false],
      [2, false],
      [3, false],
    ] as const) {
      const cut = await county();
      // pages: 政府办 (0, nothing to record), 教育局 (1), 卫健委 (2), then the last commit (3)
      const pages: number[] = [];
      await expect(
        runSweep(cut.rt, {
          now: MONDAY,
          trigger: 'test',
          unitsPerPage: 1,
          beforeCommit: (page) => {
            pages.push(page);
            if (page === cutAt) throw new Error('SQLITE_IOERR: the process was killed');
          },
        }),
      ).rejects.toThrow(/killed/);
      expect(pages).toEqual([1, 2, 3].filter((p) => p <= cutAt));
      const before = queued(cut);
      // what was committed before the cut is out, and nothing else; no summary yet
      expect(before.filter((m) => m.target === 'ou_admin')).toEqual([]);
      if (cutAt >= 2) expect(before.some((m) => m.target === 'oc_jy')).toBe(true);
      else expect(before).toEqual([]);

      const recorded = keys(cut).length;
      const again = await runSweep(cut.rt, { now: MONDAY, trigger: 'test', retain });
      expect(again.committed).toBe(true);
      expect(again.totals.fresh).toBe(w.fresh.length - recorded);
      expect(keys(cut)).toEqual(keys(whole));
      expect(sent(cut)).toEqual(sent(whole));
      expect(queued(cut).filter((m) => m.target === 'ou_admin')).toHaveLength(1);
      expect(queued(cut).find((m) => m.target === 'ou_admin')?.text).toContain('兴国卫健');

      // and a third run sends nothing
      const third = await sweepAt(cut, '2026-11-23T09:30:00+08:00');
      expect(third.fresh).toEqual([]);
      expect(third.messages).toEqual([]);
      expect(sent(cut)).toEqual(sent(whole));
    }
  });
});
