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

describe('architecture: the core stays free of transports and drivers (ARCHITECTURE.md principle 1)', () => {
  it('nothing in src/domain or commands imports hono, drizzle, better-sqlite3, the Feishu SDK, wechaty or storage', () => {
    const offenders: string[] = [];
    for (const f of [...files('src/domain'), ...files('commands')]) {
      const text = fs.readFileSync(path.join(root, f), 'utf8');
      for (const m of text.matchAll(/from ['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (
          /^(hono|drizzle-orm|better-sqlite3|@larksuiteoapi\/node-sdk|wechaty|@hono\/)/.test(spec) ||
          spec.includes('/storage/') ||
          spec.includes('/channels/') ||
          spec.includes('/http/')
        ) {
          offenders.push(`${f}: ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
