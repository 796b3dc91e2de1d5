/**
 * A circuit breaker for one delivery channel. When sends keep failing (timeouts, network errors, 5xx, rate limits),
 * the platform is struggling: stop sending for a while instead of spending every message's attempts on it, then let
 * one probe through; its success closes the circuit, its failure opens it again for twice as long (capped).
 *
 *   allow()   may a send start now? (closed: yes; open: no until the pause is over; half-open: one probe at a time)
 *   success() / failure()   the outcome of a send that allow() let through
 */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitOptions {
  /** consecutive failures that open the circuit; default 5 */
  threshold?: number;
  /** first pause; default 2 s, doubling on every failed probe */
  openMs?: number;
  /** longest pause; default 60 s */
  maxOpenMs?: number;
  /** milliseconds now; default Date.now */
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private pause: number;
  private probing = false;
  private current: CircuitState = 'closed';
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly maxOpenMs: number;
  private readonly now: () => number;

  constructor(opts: CircuitOptions = {}) {
    this.threshold = opts.threshold ?? 5;
    this.openMs = opts.openMs ?? 2_000;
    this.maxOpenMs = opts.maxOpenMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    this.pause = this.openMs;
  }

  state(): CircuitState {
    if (this.current === 'open' && this.now() >= this.openUntil) return 'half-open';
    return this.current;
  }

  /** when an open circuit lets a probe through (ms since epoch), or 0 when it is not open */
  reopensAt(): number {
    return this.current === 'open' ? this.openUntil : 0;
  }

  allow(): boolean {
    const s = this.state();
    if (s === 'closed') return true;
    if (s === 'open' || this.probing) return false;
    this.current = 'half-open';
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    this.pause = this.openMs;
    this.current = 'closed';
  }

  failure(): void {
    if (this.current === 'half-open') {
      this.probing = false;
      this.pause = Math.min(this.pause * 2, this.maxOpenMs);
      this.trip();
      return;
    }
    this.failures++;
    if (this.current === 'closed' && this.failures >= this.threshold) this.trip();
  }

  private trip(): void {
    this.current = 'open';
    this.openUntil = this.now() + this.pause;
  }
}
