/**
 * The daily reminders sweep over a national-scale register: 100,000 accounts in 5,000 units and 2,000,000 posts (plus
 * pending reviews, repost tasks, feeds), in a temporary SQLite file. Measured against a plain full scan of the posts
 * table in the same run. Each measurement runs in a fresh child process, so its peak RSS is its own.
 *
 * The moment is a Monday (the first working day of its week), so every kind of reminder applies, and nothing has
 * been sent yet: the worst case. A second sweep the same day (nothing new) is measured too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openSqlite } from '../../storage/executor/sqlite.js';

const ACCOUNTS = 100_000;
const POSTS = 2_000_000;
const UNITS = 5_000;
const NOW = new Date('2026-11-23T09:00:00+08:00');
const DAY = 86_400_000;

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '../..');

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

export function build(file: string): { ms: number; sizeMb: number } {
  const t0 = performance.now();
  openSqlite(file).close(); // schema and indexes, by the real migrations
  const db = new Database(file);
  db.pragma('synchronous = OFF');
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
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { ms: performance.now() - t0, sizeMb: fs.statSync(file).size / 2 ** 20 };
}

interface Measure {
  ms: number;
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
  if (mode === 'scan') {
    const db = new Database(file, { readonly: true });
    const t0 = performance.now();
    const r = db.prepare('SELECT count(*) AS n, max(published_at) AS last FROM posts').get() as {
      n: number;
      last: number;
    };
    ms = performance.now() - t0;
    detail = `${r.n} posts`;
    db.close();
  } else {
    const { createRuntime } = await import('../../src/node-runtime.js');
    const { runSweep } = await import('../../src/jobs/sweep.js');
    const rt = createRuntime({ databasePath: file, admins: [] });
    const at = mode === 'tuesday' ? new Date(NOW.getTime() + DAY) : NOW;
    const sweep = async (): Promise<string> => {
      const t0 = performance.now();
      const r = await runSweep(rt, { now: at, dryRun: mode === 'plan', trigger: 'test' });
      ms = performance.now() - t0;
      const kinds = new Map<string, number>();
      for (const i of r.fresh) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1);
      return `${r.found.length} found, ${r.fresh.length} new (${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}), ${r.messages.length} messages`;
    };
    detail = await sweep();
    rt.close();
  }
  const m: Measure = {
    ms,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    rssBeforeMb: mb(rssBefore),
    heapUsedMb: mb(process.memoryUsage().heapUsed),
    detail,
  };
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

function measure(mode: string, file: string): Measure {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const r = spawnSync(tsx, [here, '--bench-child', mode, file], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent' },
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`bench child ${mode} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(line) as Measure;
}

export default async function bench(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-bench-'));
  const file = path.join(dir, 'national.sqlite');
  try {
    const built = build(file);
    const scan = measure('scan', file);
    const plan = measure('plan', file);
    const full = measure('sweep', file);
    const again = measure('again', file);
    const tuesday = measure('tuesday', file);
    const fmt = (name: string, m: Measure): string =>
      `${name.padEnd(34)} ${m.ms.toFixed(0).padStart(6)} ms   peak RSS ${m.peakRssMb.toFixed(0).padStart(4)} MB (process at start ${m.rssBeforeMb.toFixed(0)} MB)   heap ${m.heapUsedMb.toFixed(0)} MB   ${m.detail}`;
    return [
      `register: ${ACCOUNTS.toLocaleString('en')} accounts, ${UNITS.toLocaleString('en')} units, ${POSTS.toLocaleString('en')} posts, 2,000 pending reviews, 10,000 repost targets; ${built.sizeMb.toFixed(0)} MB file, built in ${(built.ms / 1000).toFixed(1)} s`,
      `moments: Monday ${NOW.toISOString()} (09:00 Asia/Shanghai, first working day of the week: every kind applies and nothing was sent yet — the worst case), then Tuesday 09:00`,
      fmt('baseline: full scan of posts', scan),
      fmt('Monday, dry run (find + plan)', plan),
      fmt('Monday, first sweep (+ commit)', full),
      fmt('Monday again (nothing new)', again),
      fmt('Tuesday (a typical day)', tuesday),
      `ratio to the full scan (time): Monday dry ${(plan.ms / scan.ms).toFixed(1)}×, first ${(full.ms / scan.ms).toFixed(1)}×, again ${(again.ms / scan.ms).toFixed(1)}×, Tuesday ${(tuesday.ms / scan.ms).toFixed(1)}×`,
      `ratio to the full scan (peak RSS): Monday first ${(full.peakRssMb / scan.peakRssMb).toFixed(1)}×, Tuesday ${(tuesday.peakRssMb / scan.peakRssMb).toFixed(1)}× (aim: under 2 s and 300 MB)`,
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const at = process.argv.indexOf('--bench-child');
if (at >= 0) {
  await child(process.argv[at + 1] ?? '', process.argv[at + 2] ?? '');
}
