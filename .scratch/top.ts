import fs from 'node:fs';
const dir = process.argv[2]!;
const f = fs.readdirSync(dir).find((x) => x.endsWith('.cpuprofile'))!;
const p = JSON.parse(fs.readFileSync(`${dir}/${f}`, 'utf8')) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }[]; timeDeltas: number[] };
const total = p.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
const self = new Map<string, number>();
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const dt = total / p.nodes.reduce((a, n) => a + n.hitCount, 0);
for (const n of p.nodes) { const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.replace(/.*\/(node_modules\/)?/, '')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) ?? 0) + n.hitCount * dt); }
console.log('total ms', total.toFixed(0));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3] ?? 25))) console.log(v.toFixed(0).padStart(6), k);
void byId;
