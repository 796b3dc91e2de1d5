/**
 * Waiting for another process's write lock without stalling Node. SQLite's busy_timeout waits inside the call, which
 * blocks the event loop (every request and /healthz with it); so the server keeps that wait short and retries a busy
 * write here, asynchronously, with growing pauses, for a bounded time. After that the write is abandoned with
 * StoreBusyError: nothing was committed, and the caller can say so (a webhook answers 503 and the platform retries).
 */
import { StoreBusyError } from '../src/ports/write.js';
import { StorageError } from './executor/types.js';

export function isSqliteBusy(e: unknown): boolean {
  if (e instanceof StorageError) return e.code === 'busy';
  const code = (e as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'))
  );
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Run `fn`; while it fails with SQLITE_BUSY, pause (10 ms, doubling to 200 ms) and retry until `budgetMs` is spent. */
export async function retryWhileBusy<T>(fn: () => T, budgetMs: number): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let pause = 10;
  for (;;) {
    try {
      return fn();
    } catch (e) {
      if (!isSqliteBusy(e)) throw e;
      if (Date.now() + pause > deadline) throw new StoreBusyError();
      await sleep(pause);
      pause = Math.min(pause * 2, 200);
    }
  }
}
