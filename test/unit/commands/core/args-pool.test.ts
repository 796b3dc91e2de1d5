/**
 * Argument schemas built once per command and reused (commands/core/args.ts `argSchemas`): messages of the same command
 * parsing at the same time each read their own date, mentions and store, and a schema is built again only when every
 * built one is in use. On a real SQLite store, whose reads resolve asynchronously, so the parses interleave.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { type ArgHelpers, argSchemas } from '../../../../commands/core/args.js';
import type { DateStr } from '../../../../src/domain/time.js';
import { openSqlite } from '../../../../storage/executor/sqlite.js';
import { createStore } from '../../../../storage/store.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govmedia-args-'));
const handle = openSqlite(path.join(dir, 'args.sqlite'));
const store = createStore(handle.db, handle.executor);
afterAll(() => {
  handle.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('argument schemas reused across messages', () => {
  it('concurrent parses of one command each see their own day and mentions; schemas are reused', async () => {
    const now = new Date('2026-11-20T02:00:00Z');
    await store.commit([
      store.units.insert({ id: 1, name: '兴国县教育局', parentId: null, domains: [], createdAt: now }),
    ]);
    let built = 0;
    const parse = argSchemas((_key: object, h: ArgHelpers) => {
      built++;
      // the unit first: its lookup awaits the store, so the date is read while other parses are under way
      return z.object({ 单位: h.unit('单位'), 日期: h.date('日期'), 谁: h.mention('谁') });
    });
    const key = {};
    const one = (i: number) => {
      const today = `2026-11-${String(1 + i).padStart(2, '0')}` as DateStr;
      const env = {
        today,
        now,
        store,
        mentions: [
          { key: `_user_${i}`, name: `第${i}人`, identity: { channel: 'feishu' as const, externalId: `ou_${i}` } },
        ],
        channels: ['feishu' as const],
      };
      return parse(key, env, (schema) =>
        schema.safeParseAsync({ 单位: '兴国县教育局', 日期: '今天', 谁: `@_user_${i}` }),
      ).then((r) => ({ i, today, r }));
    };
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => one(i)));
    for (const { i, today, r } of results) {
      expect(r.success).toBe(true);
      if (!r.success) continue;
      expect(r.data.日期).toBe(today);
      expect(r.data.谁.name).toBe(`第${i}人`);
      expect(r.data.单位.name).toBe('兴国县教育局');
    }
    expect(built).toBe(6);
    // afterwards, one at a time: the built schemas are reused, none is built again
    for (let i = 0; i < 4; i++) expect((await one(i)).r.success).toBe(true);
    expect(built).toBe(6);
    // a bad value still gets its message, from the schema of that parse
    const bad = await parse(
      key,
      { today: '2026-11-20' as DateStr, now, store, mentions: [], channels: ['feishu'] },
      (s) => s.safeParseAsync({ 单位: '兴国县卫健委', 日期: 'abc', 谁: '@nobody' }),
    );
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((x) => x.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('没有名为「兴国县卫健委」的单位'),
        expect.stringContaining('「日期」不是有效日期'),
      ]),
    );
  });
});
