/**
 * `npm run dev:worker -- [wrangler dev arguments]` (a Node script, not part of the Worker): apply the D1 migrations to the local database, then run the Worker
 * with `wrangler dev --test-scheduled` (GET /__scheduled?cron=… fires a cron trigger). A `--persist-to DIR` argument
 * is passed to both steps, so the migrations land in the database that is served.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const at = args.findIndex((a) => a === '--persist-to' || a.startsWith('--persist-to='));
const flag = at < 0 ? undefined : args[at];
const persist = flag === undefined ? [] : flag.includes('=') ? [flag] : args.slice(at, at + 2);
const wrangler = (list: string[]): number =>
  spawnSync('wrangler', list, { stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

const migrated = wrangler(['d1', 'migrations', 'apply', 'DB', '--local', ...persist]);
if (migrated !== 0) process.exit(migrated);
process.exit(wrangler(['dev', '--test-scheduled', ...args]));
