import Database from 'better-sqlite3';
const db = new Database('/tmp/perfx/r100.sqlite', { readonly: true });
const now = new Date('2026-11-23T09:00:00+08:00').getTime();
for (const [name, q] of [
 ['idle', `WITH x AS MATERIALIZED (SELECT a.id AS accountId, a.unit_id, a.name, a.platform, a.opened_on AS openedOn, a.created_at AS createdAt,
   CASE WHEN v.last_post_at IS NULL OR v.last_post_at <= ${now} THEN v.last_post_at ELSE 0 END AS lastPostAt
   FROM accounts a LEFT JOIN account_activity v ON v.account_id = a.id WHERE a.unit_id BETWEEN ? AND ? AND a.status='active' AND a.created_at <= ${now})
   SELECT * FROM x WHERE lastPostAt < ${now - 10*86400000} ORDER BY accountId`],
 ['weekly', `SELECT a.id, coalesce((SELECT w.posts FROM post_weeks w WHERE w.account_id = a.id AND w.monday = '2026-11-16'), 0) AS posts FROM accounts a WHERE a.unit_id BETWEEN ? AND ? AND a.status='active' ORDER BY a.id`],
] as const) {
  const st = db.prepare(q);
  console.log(name, (db.prepare('EXPLAIN QUERY PLAN ' + q).all(1, 500) as {detail:string}[]).map((r) => r.detail).join(' | '));
  const t0 = performance.now(); let n = 0;
  for (let u = 1; u <= 5000; u += 500) n += st.all(u, u + 499).length;
  console.log(name, n, (performance.now() - t0).toFixed(0), 'ms');
}
