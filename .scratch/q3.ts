import Database from 'better-sqlite3';
const db = new Database('/tmp/perfx/r100.sqlite', { readonly: true });
const now = new Date('2026-11-23T09:00:00+08:00').getTime();
const qs: [string, string, unknown[]][] = [
 ['feed', `SELECT a.id AS accountId, a.unit_id AS unitId, a.name AS name, a.platform AS platform, s.url AS feedUrl, s.failures AS failures FROM feed_state s JOIN accounts a ON a.id = s.account_id AND a.feed_url = s.url WHERE a.status = 'active' AND s.failures >= 3 ORDER BY a.unit_id, a.id`, []],
 ['repost', `SELECT a.id AS accountId, g.unit_id AS unitId, a.name AS name, a.platform AS platform, t.id AS taskId, t.title AS title, t.deadline_at AS deadlineAt FROM repost_tasks t JOIN repost_targets g ON g.task_id = t.id JOIN accounts a ON a.id = g.account_id WHERE t.status = 'open' AND g.done_at IS NULL AND a.status = 'active' AND g.unit_id BETWEEN ? AND ? AND t.deadline_at < ? AND t.created_at <= ? ORDER BY g.unit_id, t.id, a.id`, [1, 500, now + 86400000, now]],
 ['names', `SELECT name, platform, count(*) AS accounts FROM accounts GROUP BY name, platform`, []],
];
for (const [n, q, p] of qs) {
  console.log(n, (db.prepare('EXPLAIN QUERY PLAN ' + q).all(...p) as { detail: string }[]).map((r) => r.detail).join(' | '));
  const st = db.prepare(q); const t0 = performance.now(); const r = st.all(...p); console.log(n, r.length, (performance.now() - t0).toFixed(0), 'ms');
}
