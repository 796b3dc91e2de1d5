/**
 * `npm run bench`: runs every test/bench/*.bench.ts in turn. Each exports a default async function that measures
 * against a baseline taken in the same run and returns the lines to print (figures and their ratio).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = path.dirname(new URL(import.meta.url).pathname);
const only = process.argv.slice(2);
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

console.log(
  `machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
for (const f of files) {
  const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { default: () => Promise<string[]> };
  console.log(`\n== ${f.replace('.bench.ts', '')}`);
  for (const line of await mod.default()) console.log(line);
}
// servers and sockets a bench leaves behind must not keep the process alive
process.exit(0);
