/** Helpers for the reminders tests: run the sweep as if at a moment, and read what it queued in the outbox. */
import { createRuntime, type Runtime } from '../../src/node-runtime.js';
import { renderText, type Reply } from '../../src/domain/reply.js';
import { runSweep, type SweepReport } from '../../src/jobs/sweep.js';
import { expect } from 'vitest';
import { ADMIN, makeBot, seedCounty, type TestBot } from './runtime.js';

export interface QueuedReminder {
  id: number;
  channel: string;
  targetType: string;
  target: string;
  dedupeKey: string;
  text: string;
}

export function sweepAt(bot: TestBot | Runtime, iso: string, opts: { dryRun?: boolean } = {}): Promise<SweepReport> {
  const rt = 'rt' in bot ? bot.rt : bot;
  return runSweep(
    { services: rt.services, sweep: rt.sweep },
    { now: new Date(iso), trigger: 'test', dryRun: opts.dryRun },
  );
}

/** Reminder messages in the outbox, oldest first, with their payload rendered as text. */
export function queued(bot: TestBot | Runtime): QueuedReminder[] {
  const rt = 'rt' in bot ? bot.rt : bot;
  const rows = rt.db.sqlite
    .prepare(
      "SELECT id, channel, target_type AS targetType, target, dedupe_key AS dedupeKey, payload FROM outbox WHERE dedupe_key LIKE 'remind:%' ORDER BY id",
    )
    .all() as (Omit<QueuedReminder, 'text'> & { payload: string })[];
  return rows.map(({ payload, ...r }) => ({ ...r, text: renderText(JSON.parse(payload) as Reply) }));
}

export function count(bot: TestBot | Runtime, table: 'reminders' | 'outbox' | 'sweep_runs' | 'posts'): number {
  const rt = 'rt' in bot ? bot.rt : bot;
  return (rt.db.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/** A second runtime (another process's connection) on the same database file. */
export function secondRuntime(bot: TestBot): Runtime {
  return createRuntime({
    databasePath: bot.file,
    admins: [ADMIN],
    clock: bot.rt.services.clock,
    deliveryChannels: ['feishu'],
  });
}

export const to = (rows: readonly QueuedReminder[], target: string): QueuedReminder[] =>
  rows.filter((r) => r.target === target);

/**
 * The seeded county on 2026-03-01 with 兴国县教育局's work group (oc_jy) bound and its 微信公众号「兴国教育」(A1)
 * filed as opened that day: the register most reminder tests start from.
 */
export async function groupCounty(): Promise<TestBot> {
  const b = makeBot({ now: '2026-03-01T10:00:00+08:00' });
  await seedCounty(b);
  expect(
    await b.say(ADMIN, '/单位 绑定群 单位=兴国县教育局', { channel: 'feishu', id: 'oc_jy', type: 'group' }),
  ).toContain('工作群');
  expect(await b.say('feishu:ou_jy_liaison', '/备案 开设 平台=微信公众号 名称=兴国教育 开设日期=2026-03-01')).toContain(
    'A1',
  );
  return b;
}

/** Record a post directly (the sweep only reads posts; /更新 is tested elsewhere). */
export async function recordPost(b: TestBot, accountId: number, iso: string): Promise<void> {
  const store = b.rt.services.store;
  await store.commit(
    store.posts.insert(
      { accountId, publishedAt: new Date(iso), title: '测试', url: null, source: 'manual', externalId: null },
      null,
      new Date(iso),
    ),
  );
}
