/**
 * Delivery under a faulty platform (test/support/feishu/fault-run.ts): 1,000 commands from 50 chats at 20/s, the
 * Feishu API behind a network that hangs 4 % or 10 % of message calls (plus 2 % 5xx and 2 % 429), and once more at
 * 10 % with a `kill -9` of the server after 500 commands. Reports lost and duplicated replies and the reply delay
 * (command sent → reply recorded by the platform); the baseline is the same run with no faults.
 */
import { runFaultScenario, type FaultReport } from '../support/feishu/fault-run.js';

const line = (name: string, r: FaultReport, base?: FaultReport): string =>
  `${name}: ${r.commands} commands, lost ${r.lost}, duplicated ${r.duplicated}, reply delay p50 ${(r.p50Ms / 1000).toFixed(2)} s, p99 ${(r.p99Ms / 1000).toFixed(2)} s, max ${(r.maxMs / 1000).toFixed(1)} s` +
  ` (faults: ${r.faults.hang} hangs, ${r.faults.error5xx} 5xx, ${r.faults.rateLimit} 429)${base ? `; p99 ${(r.p99Ms / base.p99Ms).toFixed(1)}× the fault-free run` : ''}`;

export default async function bench(): Promise<string[]> {
  const common = { commands: 1_000, chats: 50, rate: 20 };
  const base = await runFaultScenario({ ...common, faults: { hang: 0, error5xx: 0, rateLimit: 0 } });
  const four = await runFaultScenario({ ...common, faults: { hang: 0.04, error5xx: 0.02, rateLimit: 0.02 } });
  const ten = await runFaultScenario({ ...common, faults: { hang: 0.1, error5xx: 0.02, rateLimit: 0.02 } });
  const kill = await runFaultScenario({
    ...common,
    faults: { hang: 0.1, error5xx: 0.02, rateLimit: 0.02 },
    killAfter: 500,
  });
  return [
    line('no faults', base),
    line('4 % hangs', four, base),
    line('10 % hangs', ten, base),
    line('10 % hangs + kill -9', kill, base),
    'aim: lost 0, duplicated 0, p99 < 5 s at 4 % hangs',
  ];
}
