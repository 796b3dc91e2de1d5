/** Time is injected: every rule takes `now` from a Clock, so tests and the CLI can run "as if at" any moment. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(at: Date | string): Clock {
  const t = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(t.getTime())) throw new Error(`invalid time: ${String(at)}`);
  return { now: () => new Date(t.getTime()) };
}

/** A clock that starts at a given moment and then runs with real time. */
export function offsetClock(at: Date): Clock {
  const delta = at.getTime() - Date.now();
  return { now: () => new Date(Date.now() + delta) };
}
