import Database from 'better-sqlite3';
const db = new Database('/tmp/perfx/r100.sqlite', { readonly: true });
const t = (name: string, f: () => number) => { const t0 = performance.now(); const n = f(); console.log(name.padEnd(30), n, (performance.now() - t0).toFixed(0), 'ms'); };
for (let rep = 0; rep < 2; rep++) {
t('scan accounts', () => (db.prepare("SELECT count(*) n, max(created_at) FROM accounts").get() as any).n);
t('all rows accounts id,name', () => db.prepare("SELECT id, unit_id, name, platform FROM accounts").all().length);
t('raw rows accounts', () => db.prepare("SELECT id, unit_id, name, platform FROM accounts").raw().all().length);
t('weekly by id pages', () => { let n=0; const st = db.prepare(`SELECT a.id, coalesce((SELECT w.posts FROM post_weeks w WHERE w.account_id = a.id AND w.monday = '2026-11-16'), 0) AS posts FROM accounts a WHERE a.id BETWEEN ? AND ? AND a.status='active'`); for (let u=1;u<=100000;u+=10000) n+=st.all(u,u+9999).length; return n;});
t('weekly by unit pages no order', () => { let n=0; const st = db.prepare(`SELECT a.id, coalesce((SELECT w.posts FROM post_weeks w WHERE w.account_id = a.id AND w.monday = '2026-11-16'), 0) AS posts FROM accounts a WHERE a.unit_id BETWEEN ? AND ? AND a.status='active'`); for (let u=1;u<=5000;u+=500) n+=st.all(u,u+499).length; return n;});
t('weekly join', () => { let n=0; const st = db.prepare(`SELECT a.id, coalesce(w.posts,0) AS posts FROM accounts a LEFT JOIN post_weeks w ON w.account_id = a.id AND w.monday = '2026-11-16' WHERE a.unit_id BETWEEN ? AND ? AND a.status='active' AND coalesce(w.posts,0) < 2`); for (let u=1;u<=5000;u+=500) n+=st.all(u,u+499).length; return n;});
}
