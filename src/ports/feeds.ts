/** What the feed poller needs from storage: which feeds are due, what is already recorded, and each feed's state. */
import type { DateStr } from '../domain/time.js';
import type { Writes } from './write.js';

/** Per-feed polling state (conditional GET validators and back-off). */
export interface FeedState {
  accountId: number;
  /** the feed URL this state belongs to; when the account's URL changes, the state starts over */
  url: string;
  etag: string | null;
  lastModified: string | null;
  lastCheckedAt: Date | null;
  lastOkAt: Date | null;
  nextCheckAt: Date;
  failures: number;
  lastError: string | null;
}

export interface FeedTarget {
  accountId: number;
  feedUrl: string;
  openedOn: DateStr | null;
  createdAt: Date;
  /** null when never polled */
  state: FeedState | null;
}

export interface FeedStore {
  /** Active accounts with a feed URL that is due (never polled, URL changed, or next check reached), most overdue first. */
  due(now: Date, limit: number): Promise<FeedTarget[]>;
  /** Which of these item ids are already recorded as the account's posts. */
  knownItems(accountId: number, externalIds: readonly string[]): Promise<Set<string>>;
  state(accountId: number): Promise<FeedState | null>;
  save(state: FeedState): Writes;
}

/** An address a host name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}
/** Resolve a host name to every address it has. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;
export type TargetCheck =
  | { ok: true; address: string; family: 4 | 6 }
  | { ok: false; reason: 'blocked' | 'unresolved' };

/**
 * How the feed poller reaches the network (src/http/feed-net.ts on Node): `check` resolves the URL's host and applies
 * the address policy (public only, private only for hosts in `allow`); `get` fetches over a connection to exactly the
 * address that was checked.
 */
export interface FeedNet {
  check(url: URL, allow: readonly string[]): Promise<TargetCheck>;
  get(url: URL, pin: ResolvedAddress, headers: Record<string, string>, signal: AbortSignal): Promise<Response>;
}
