import fs from 'node:fs';
const [file, pkg] = [process.argv[2]!, process.argv[3]!];
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }[]; timeDeltas: number[] };
const total = p.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
const dt = total / p.nodes.reduce((a, n) => a + n.hitCount, 0);
const parent = new Map<number, number>();
const byId = new Map(p.nodes.map((n) => [n.id, n]));
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const agg = new Map<string, number>();
for (const n of p.nodes) {
  if (!n.callFrame.url.includes(pkg)) continue;
  let q = parent.get(n.id);
  while (q !== undefined && byId.get(q)!.callFrame.url.includes('node_modules')) q = parent.get(q);
  const a = q === undefined ? '(root)' : `${byId.get(q)!.callFrame.functionName} ${byId.get(q)!.callFrame.url.replace(/.*\/perf\//, '')}:${byId.get(q)!.callFrame.lineNumber}`;
  agg.set(a, (agg.get(a) ?? 0) + n.hitCount * dt);
}
for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(v.toFixed(0).padStart(6), k);
