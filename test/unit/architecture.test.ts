/**
 * The import rules of the house, as a table (README "Layout"): imports run one way —
 * entries → channels → app → jobs → commands → domain / ports; storage implements the ports. Plus: the code the
 * Cloudflare Worker bundles never reaches node-only modules or the SQLite driver.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return fs
    .readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? files(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}

const SOURCES = [...files('src'), ...files('commands'), ...files('storage')];

/** Every import of a file: local ones as repo-relative paths (`src/app/build.ts`), packages as written. */
function importsOf(file: string): { local: string[]; packages: string[] } {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const local: string[] = [];
  const packages: string[] = [];
  for (const m of text.matchAll(
    /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const spec = (m[1] ?? m[2])!;
    if (spec.startsWith('.')) {
      local.push(path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts'));
    } else packages.push(spec);
  }
  return { local, packages };
}

type Layer = 'entry' | 'files' | 'channels' | 'app' | 'jobs' | 'commands' | 'domain' | 'ports' | 'storage';

function layerOf(file: string): Layer {
  if (/^src\/(node|cli|worker|node-runtime|config|log)\.ts$/.test(file) || file.startsWith('src/worker/'))
    return 'entry';
  if (file.startsWith('src/files/')) return 'files';
  if (file.startsWith('src/channels/') || file.startsWith('src/http/')) return 'channels';
  if (file.startsWith('src/app/')) return 'app';
  if (file.startsWith('src/jobs/')) return 'jobs';
  if (file.startsWith('commands/')) return 'commands';
  if (file.startsWith('src/domain/')) return 'domain';
  if (file.startsWith('src/ports/')) return 'ports';
  if (file.startsWith('storage/')) return 'storage';
  throw new Error(`no layer for ${file}`);
}

/** Which layers each layer may import (its own included). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  entry: ['entry', 'files', 'channels', 'app', 'jobs', 'commands', 'domain', 'ports', 'storage'],
  /** file formats on Node (the report's chart and documents): rules and ports only; loaded by the Node entries */
  files: ['files', 'domain', 'ports'],
  channels: ['channels', 'app', 'domain', 'ports'],
  app: ['app', 'jobs', 'commands', 'domain', 'ports'],
  jobs: ['jobs', 'domain', 'ports'],
  commands: ['commands', 'domain', 'ports'],
  domain: ['domain'],
  ports: ['ports', 'domain'],
  storage: ['storage', 'domain', 'ports'],
};

/** Packages a layer may not import: transports, drivers and platform SDKs stay at the edges. */
const FORBIDDEN_PACKAGES: Partial<Record<Layer, RegExp>> = {
  domain: /^(hono|@hono\/|drizzle-orm|better-sqlite3|@larksuiteoapi\/|wechaty|pino|node:)/,
  ports: /^(hono|@hono\/|drizzle-orm|better-sqlite3|@larksuiteoapi\/|wechaty|pino|node:)/,
  commands: /^(hono|@hono\/|drizzle-orm|better-sqlite3|@larksuiteoapi\/|wechaty|pino|node:)/,
  jobs: /^(hono|@hono\/|drizzle-orm|better-sqlite3|@larksuiteoapi\/|wechaty|pino)/,
  app: /^(hono|@hono\/|drizzle-orm|better-sqlite3|@larksuiteoapi\/|wechaty|pino|node:)/,
  storage: /^(hono|@hono\/|@larksuiteoapi\/|wechaty|pino)/,
};

describe('architecture: imports run one way (README "Layout")', () => {
  it.each(Object.entries(MAY_IMPORT))('%s imports only from %j', (layer, allowed) => {
    const offenders: string[] = [];
    for (const f of SOURCES.filter((s) => layerOf(s) === layer)) {
      for (const dep of importsOf(f).local) {
        if (!allowed.includes(layerOf(dep))) offenders.push(`${f} → ${dep}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it.each(Object.entries(FORBIDDEN_PACKAGES))('%s imports no transport, driver or SDK (%s)', (layer, re) => {
    const offenders: string[] = [];
    for (const f of SOURCES.filter((s) => layerOf(s) === layer)) {
      for (const p of importsOf(f).packages) if (re.test(p)) offenders.push(`${f}: ${p}`);
    }
    expect(offenders).toEqual([]);
  });

  it('only the channel list names a channel: no other file outside src/channels/ spells a channel name as a value', () => {
    const offenders: string[] = [];
    for (const f of SOURCES.filter((s) => !s.startsWith('src/channels/'))) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      if (/\b(CHANNEL_NAMES|PLATFORM_CHANNELS)\b|\[\s*'feishu'\s*,\s*'wecom'/.test(text)) offenders.push(f);
    }
    expect(offenders).toEqual([]);
  });

  it('nothing outside an entry imports node-only modules or better-sqlite3 in code the Worker bundles', () => {
    // The Worker composes the core from these; everything they reach is bundled.
    const roots = ['src/worker.ts', 'src/app/build.ts', 'src/channels/index.ts', 'src/http/app.ts', 'storage/store.ts'];
    roots.push(...SOURCES.filter((f) => f.startsWith('storage/repos/') || f.startsWith('src/jobs/')));
    const seen = new Set<string>();
    const queue = [...roots];
    const offenders: string[] = [];
    while (queue.length) {
      const f = queue.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const { local, packages } = importsOf(f);
      // workerd provides node:crypto and node:buffer with nodejs_compat; nothing else of Node's.
      for (const p of packages) {
        if (
          /^(better-sqlite3|pino|@hono\/node-server)$/.test(p) ||
          (p.startsWith('node:') && !/^node:(crypto|buffer)$/.test(p))
        ) {
          offenders.push(`${f}: ${p}`);
        }
      }
      queue.push(...local);
    }
    expect(seen.size).toBeGreaterThan(40);
    expect(offenders).toEqual([]);
  });
});
