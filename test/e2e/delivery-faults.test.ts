/**
 * The delivery fault test, bounded: the real server against a fake Feishu API behind a faulty network (hangs, 5xx,
 * 429), commands from several chats, and a `kill -9` of the server midway with a restart on the same database. Every
 * command gets exactly one reply: none lost, none sent twice (retries carry the same uuid). The full form, with reply
 * delays at 4 % and 10 % hangs, is `npm run bench -- delivery`.
 */
import { describe, expect, it } from 'vitest';
import { runFaultScenario } from '../support/feishu/fault-run.js';

describe('delivery under faults', () => {
  it('hangs, 5xx, 429 and a kill -9: no reply lost, none duplicated', async () => {
    const r = await runFaultScenario({
      commands: 60,
      chats: 10,
      rate: 10,
      faults: { hang: 0.1, error5xx: 0.05, rateLimit: 0.05 },
      killAfter: 30,
      drainTimeoutMs: 90_000,
    });
    expect(r.faults.hang + r.faults.error5xx + r.faults.rateLimit).toBeGreaterThan(0);
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
  }, 240_000);
});
