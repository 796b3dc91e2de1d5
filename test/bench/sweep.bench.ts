import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { MIGRATIONS_DIR, openSqlite } from '../../storage/executor/sqlite.js';
import { picked, REGISTERS, runChild, type Series as ChildSeries, type Size, series } from './child.js';

const SIZES = picked(REGISTERS, 'BENCH_SWEEP_SIZES');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const NOW = new Date('2026-11-23T09:00:00+08:00');
const DAY = 86_400_000;

const here = fileURLToPath(import.meta.url);

/** A small deterministic PRNG (mulberry32), so every run builds the same register. */
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

const PLATFORMS = [
  'wechat_mp',
  'weibo',
  'douyin',
  'toutiao',
  'channels',
  'kuaishou',
  'xiaohongshu',
  'bilibili',
  'app',
  'miniapp',
];

/** The statements of the account-activity migration: its triggers, and the backfill of existing posts. */
function activityMigration(): { triggers: string[]; backfill: string[] } {
  const file = fs.readdirSync(MIGRATIONS_DIR).find((f) => f.endsWith('_account_activity.sql'));
  if (!file) throw new Error('no account_activity migration');
  const parts = fs
    .readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8')
    .split('--> statement-breakpoint')
    .map((x) => x.replace(/^\s*(--.*\n)*/, '').trim());
  return {
    triggers: parts.filter((x) => x.startsWith('CREATE TRIGGER')),
    backfill: parts.filter((x) => x.startsWith('INSERT INTO')),
  };
}

/**
 * Builds the register with bulk inserts: the posts go in without the activity triggers, and the migration's own
 * backfill then computes every account's activity (as on a database upgraded with existing posts).
 */
export function build(file: string, size: Size): { ms: number; sizeMb: number } {
  const { accounts: ACCOUNTS, units: UNITS, posts: POSTS } = size;
  const t0 = performance.now();
  openSqlite(file).close(); // schema and indexes, by the real migrations
  const db = new Database(file);
  db.pragma('synchronous = OFF');
  db.pragma('journal_mode = OFF');
  db.pragma('cache_size = -262144');
  const activity = activityMigration();
  for (const name of ['posts_activity_insert', 'posts_activity_delete', 'posts_activity_update'])
    db.exec(`DROP TRIGGER ${name}`);
  // the change count's triggers too (one count for the whole build, set below); recreated as they were
  const counting = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sweep_changes_%'")
    .all() as { name: string; sql: string }[];
  for (const t of counting) db.exec(`DROP TRIGGER ${t.name}`);
  const rand = rng(20261123);
  const created = new Date('2026-01-05T09:00:00+08:00').getTime();
  const dateStr = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  db.transaction(() => {
    const unit = db.prepare('INSERT INTO units (id, name, parent_id, domains, created_at) VALUES (?, ?, NULL, ?, ?)');
    const person = db.prepare('INSERT INTO people (id, name, unit_id, active, created_at) VALUES (?, ?, ?, 1, ?)');
    const ident = db.prepare("INSERT INTO identities (channel, external_id, person_id) VALUES ('feishu', ?, ?)");
    const role = db.prepare('INSERT INTO roles (person_id, unit_id, role) VALUES (?, ?, ?)');
    const chat = db.prepare("INSERT INTO unit_chats (unit_id, channel, chat_id, bound_at) VALUES (?, 'feishu', ?, ?)");
    for (let a = 1; a <= 5; a++) {
      person.run(a, `管理员${a}`, null, created);
      ident.run(`ou_admin${a}`, a);
      role.run(a, 0, 'admin');
    }
    for (let u = 1; u <= UNITS; u++) {
      unit.run(u, `第${u}单位`, '[]', created);
      const p = 10 + u;
      person.run(p, `联络员${u}`, u, created);
      if (rand() < 0.95) ident.run(`ou_l${u}`, p); // a few liaisons have no platform identity
      role.run(p, u, 'liaison');
      if (rand() < 0.8) chat.run(u, `oc_u${u}`, created);
    }
    const account = db.prepare(
      "INSERT INTO accounts (id, unit_id, platform, name, opened_on, status, operation, feed_url, password_changed_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'self', ?, ?, ?, ?)",
    );
    const feed = db.prepare(
      'INSERT INTO feed_state (account_id, url, next_check_at, failures, last_error, last_ok_at, last_checked_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const post = db.prepare(
      "INSERT INTO posts (account_id, published_at, title, source, created_at) VALUES (?, ?, '信息', 'manual', ?)",
    );
    const perAccount = POSTS / ACCOUNTS;
    for (let id = 1; id <= ACCOUNTS; id++) {
      const u = Math.floor((id - 1) / (ACCOUNTS / UNITS)) + 1;
      const opened = created - Math.floor(rand() * 700) * DAY;
      const pw = rand() < 0.8 ? dateStr(NOW.getTime() - Math.floor(rand() * 120) * DAY) : null;
      const feedUrl = rand() < 0.1 ? `http://rsshub.intranet/wechat/${id}` : null;
      const status = rand() < 0.03 ? 'suspended' : 'active';
      // one name per unit on every platform (神木 第十条): the reminders must then name accounts by platform or id
      account.run(
        id,
        u,
        PLATFORMS[id % PLATFORMS.length],
        `第${u}单位发布`,
        dateStr(opened),
        status,
        feedUrl,
        pw,
        created,
        created,
      );
      if (feedUrl) {
        const failing = rand() < 0.05;
        feed.run(
          id,
          feedUrl,
          NOW.getTime() + 3_600_000,
          failing ? 4 : 0,
          failing ? '订阅源超时（10秒）' : null,
          created,
          NOW.getTime() - 3_600_000,
        );
      }
      // the age of the last post: mostly fresh, some near dormancy, some dormant
      const r = rand();
      const lastAge = r < 0.6 ? rand() * 7 : r < 0.75 ? 7 + rand() * 3 : r < 0.85 ? 10 + rand() * 4 : 14 + rand() * 100;
      let t = NOW.getTime() - lastAge * DAY;
      for (let k = 0; k < perAccount; k++) {
        post.run(id, Math.floor(t), Math.floor(t));
        t -= (0.5 + rand() * 6) * DAY;
      }
    }
    const review = db.prepare(
      "INSERT INTO reviews (id, unit_id, account_id, title, level, planned_at, deadline_at, requester_id, status, current_step, created_at) VALUES (?, ?, ?, ?, '一般', NULL, ?, ?, 'pending', 1, ?)",
    );
    const step = db.prepare(
      "INSERT INTO review_steps (review_id, step, role, approver_id, status) VALUES (?, 1, 'in_charge', ?, 'pending')",
    );
    for (let r = 1; r <= 2_000; r++) {
      const u = 1 + Math.floor(rand() * UNITS);
      review.run(
        r,
        u,
        (u - 1) * 20 + 1,
        `送审稿件${r}`,
        NOW.getTime() + (rand() < 0.5 ? -1 : 1) * DAY,
        10 + u,
        NOW.getTime() - 3 * DAY,
      );
      step.run(r, 1 + Math.floor(rand() * 5));
    }
    const task = db.prepare(
      'INSERT INTO repost_tasks (id, title, url, deadline_at, scope, status, created_at) VALUES (?, ?, \'https://www.gov.cn/1.htm\', ?, \'{"units":"all","platforms":"all"}\', \'open\', ?)',
    );
    const target = db.prepare(
      'INSERT OR IGNORE INTO repost_targets (task_id, account_id, unit_id, done_at) VALUES (?, ?, ?, ?)',
    );
    for (let t = 1; t <= 20; t++) {
      task.run(
        t,
        `重大政策转载${t}`,
        NOW.getTime() + (t % 3 === 0 ? 8 * 3_600_000 : -DAY * (t % 3)),
        NOW.getTime() - 5 * DAY,
      );
      for (let k = 0; k < 500; k++) {
        const acc = 1 + Math.floor(rand() * ACCOUNTS);
        const u = Math.floor((acc - 1) / (ACCOUNTS / UNITS)) + 1;
        target.run(t, acc, u, rand() < 0.5 ? NOW.getTime() - DAY : null);
      }
    }
  })();
  db.transaction(() => {
    for (const q of activity.backfill) db.exec(q);
    for (const q of activity.triggers) db.exec(q);
    db.exec(
      'UPDATE sweep_changes SET n = n + 1, horizon = max(horizon, (SELECT max(created_at) FROM accounts), (SELECT max(created_at) FROM repost_tasks))',
    );
    for (const t of counting) db.exec(t.sql);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ms: performance.now() - t0, sizeMb: fs.statSync(file).size / 2 ** 20 };
}

interface Measure {
  ms: number;
  /** CPU time (user + system) of the measured part: less affected than `ms` by other work on the machine */
  cpuMs: number;
  peakRssMb: number;
  rssBeforeMb: number;
  heapUsedMb: number;
  detail: string;
}

const mb = (n: number): number => n / 2 ** 20;

/** Runs in the child process: one measurement, printed as a JSON line. */
async function child(mode: string, file: string): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  let detail = '';
  let ms = 0;
  let cpu = { user: 0, system: 0 };
  if (mode === 'scan-posts' || mode === 'scan-accounts') {
    const db = new Database(file, { readonly: true });
    const q =
      mode === 'scan-posts'
        ? 'SELECT count(*) AS n, max(published_at) AS last FROM posts'
        : "SELECT count(*) AS n, max(created_at) AS last, sum(status = 'active') AS active FROM accounts";
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = db.prepare(q).get() as { n: number };
    ms = performance.now() - t0;
    cpu = process.cpuUsage(c0);
    detail = `${r.n} ${mode.slice(5)}`;
    db.close();
  } else {
    const { createRuntime } = await import('../../src/node-runtime.js');
    const { runSweep } = await import('../../src/jobs/sweep.js');
    const rt = createRuntime({ databasePath: file, admins: [] });
    const at = mode === 'tuesday' ? new Date(NOW.getTime() + DAY) : NOW;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    // as the scheduler runs it: only totals kept, memory bounded by a page of units
    const r = await runSweep(rt, { now: at, dryRun: mode === 'plan', trigger: 'test', retain: false });
    ms = performance.now() - t0;
    cpu = process.cpuUsage(c0);
    const kinds = rt.db.sqlite
      .prepare('SELECT kind, count(*) AS n FROM reminders WHERE created_at = ? GROUP BY kind ORDER BY kind')
      .all(at.getTime()) as { kind: string; n: number }[];
    detail = `${r.totals.found} found (read), ${r.totals.fresh} new${mode === 'plan' ? '' : ` (${kinds.map((k) => `${k.kind} ${k.n}`).join(', ')})`}, ${r.totals.messages} messages`;
    rt.close();
  }
  const m: Measure = {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssBeforeMb: mb(rssBefore),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    detail,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

const measure = (mode: string, file: string): Measure => runChild<Measure>(here, mode, file);

type Series = ChildSeries<Measure>;

interface SizeResult {
  size: Size;
  built: { ms: number; sizeMb: number };
  posts: Series;
  accounts: Series;
  plan: Series;
  monday: Series;
  again: Series;
  tuesday: Series;
}

async function benchSize(dir: string, size: Size): Promise<SizeResult> {
  const tag = `${size.accounts}-${size.posts}`;
  const base = path.join(dir, `register-${tag}.sqlite`);
  const built = build(base, size);
  const posts: Measure[] = [];
  const accounts: Measure[] = [];
  const plan: Measure[] = [];
  const monday: Measure[] = [];
  const again: Measure[] = [];
  const tuesday: Measure[] = [];
  for (let k = 0; k < RUNS; k++) {
    posts.push(measure('scan-posts', base));
    accounts.push(measure('scan-accounts', base));
    plan.push(measure('plan', base));
    // each run on its own copy: the first Monday sweep, the same Monday again, then the Tuesday after
    const copy = path.join(dir, `run-${tag}-${k}.sqlite`);
    fs.copyFileSync(base, copy);
    monday.push(measure('monday', copy));
    again.push(measure('again', copy));
    tuesday.push(measure('tuesday', copy));
    for (const f of [copy, `${copy}-wal`, `${copy}-shm`]) fs.rmSync(f, { force: true });
  }
  for (const f of [base, `${base}-wal`, `${base}-shm`]) fs.rmSync(f, { force: true });
  return {
    size,
    built,
    posts: series(posts),
    accounts: series(accounts),
    plan: series(plan),
    monday: series(monday),
    again: series(again),
    tuesday: series(tuesday),
  };
}

export default async function bench(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-bench-'));
  const out: string[] = [
    `moments: Monday ${NOW.toISOString()} (09:00 Asia/Shanghai, first working day of the week: every kind applies, nothing sent before — the worst day), the same Monday again, then Tuesday 09:00 (a typical day); ${RUNS} runs each, each in a fresh process`,
  ];
  try {
    const results: SizeResult[] = [];
    for (const size of SIZES) {
      const r = await benchSize(dir, size);
      results.push(r);
      const fmt = (name: string, m: Series, aim = ''): string =>
        `  ${name.padEnd(30)} min ${m.min.toFixed(0).padStart(5)} ms  median ${m.median.toFixed(0).padStart(5)} ms  = ${(m.median / r.posts.median).toFixed(2).padStart(5)}× posts scan, ${(m.median / r.accounts.median).toFixed(1).padStart(5)}× accounts scan   CPU ${m.cpu.toFixed(0).padStart(5)} ms   peak RSS ${m.rss.toFixed(0).padStart(4)} MB   ${m.runs[0]!.detail}${aim ? `   (aim ${aim})` : ''}`;
      out.push(
        `register: ${size.accounts.toLocaleString('en')} accounts, ${size.units.toLocaleString('en')} units, ${size.posts.toLocaleString('en')} posts, 2,000 pending reviews, 10,000 repost targets; ${r.built.sizeMb.toFixed(0)} MB file, built in ${(r.built.ms / 1000).toFixed(1)} s`,
        fmt('baseline: full scan of posts', r.posts),
        fmt('baseline: scan of accounts', r.accounts),
        fmt('Monday, dry run (find + plan)', r.plan),
        fmt('Monday, first sweep (worst day)', r.monday, size.accounts >= 250_000 ? '< 1 s, < 250 MB' : ''),
        fmt('Monday again (nothing new)', r.again, size.accounts >= 250_000 ? '< 0.3 s' : ''),
        fmt('Tuesday (a typical day)', r.tuesday, size.accounts >= 250_000 ? '< 0.5 s' : ''),
      );
    }
    const [small, ...others] = results;
    for (const large of small ? others : []) {
      const g = (f: (r: SizeResult) => number): string => (f(large) / f(small!)).toFixed(2);
      out.push(
        `growth ${small!.size.accounts / 1000}k/${small!.size.posts / 1e6}M → ${large.size.accounts / 1000}k/${large.size.posts / 1e6}M (× ${(large.size.accounts / small!.size.accounts).toFixed(1)} accounts, × ${(large.size.posts / small!.size.posts).toFixed(1)} posts): worst day × ${g((r) => r.monday.median)}, typical day × ${g((r) => r.tuesday.median)}, again × ${g((r) => r.again.median)}; posts scan × ${g((r) => r.posts.median)}, accounts scan × ${g((r) => r.accounts.median)}`,
      );
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--bench-child');
if (at >= 0) {
  await child(process.argv[at + 1] ?? '', process.argv[at + 2] ?? '');
}
