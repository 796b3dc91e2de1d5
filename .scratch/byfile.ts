import fs from 'node:fs';
const file = process.argv[2]!;
const p = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string }; hitCount: number; children?: number[] }[]; timeDeltas: number[] };
const total = p.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
const dt = total / p.nodes.reduce((a, n) => a + n.hitCount, 0);
const self = new Map<string, number>();
for (const n of p.nodes) {
  const u = n.callFrame.url;
  const k = u.includes('node_modules/') ? u.replace(/.*node_modules\/((@[^/]+\/)?[^/]+).*/, '$1') : u.startsWith('file://') ? u.replace(/.*\/perf\//, '') : u ? `node:${u.replace(/^node:/, '').split('/')[0]}` : n.callFrame.functionName;
  self.set(k, (self.get(k) ?? 0) + n.hitCount * dt);
}
console.log('total', total.toFixed(0));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(0).padStart(6), k);
