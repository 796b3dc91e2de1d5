/**
 * Feed monitoring: reads each active account's feed (RSS/Atom/JSON Feed, e.g. an RSSHub route, possibly on an
 * intranet) when it is due, with conditional GET and per-feed back-off (src/jobs/feed-fetch.ts), and records new items
 * as posts (`source: 'feed'`, `externalId` = the item id; the unique index makes re-polling idempotent), so dormancy no
 * longer depends on people reporting. A failing feed is never fatal: its error and failure count are kept in
 * `feed_state`, shown by /账号 详情 and, after a few failures in a row, in the admins' daily summary.
 */
import type { Services } from '../ports/services.js';
import type { Clock } from '../domain/clock.js';
import type { FeedNet, FeedState, FeedStore, FeedTarget } from '../ports/feeds.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import type { Writes } from '../ports/write.js';
import { resolvePolicy } from '../domain/policy.js';
import { titleMatches } from '../domain/repost.js';
import { maskUrl } from '../domain/url-mask.js';
import { fetchFeed, type FeedItem, nextPollAt } from './feed-fetch.js';

export interface FeedDeps {
  store: Store;
  feeds: FeedStore;
  clock: Clock;
  log: Logger;
  /** the checked, pinned network (src/http/feed-net.ts); without it (and without opts.net) nothing is fetched */
  net?: FeedNet;
}

export interface FeedPollOptions {
  /** minutes between polls of a healthy feed; default 60 */
  baseMinutes?: number;
  /** cap on the back-off of a failing feed; default 24 h */
  maxMinutes?: number;
  /** per request; default 10 s */
  timeoutMs?: number;
  /** per response; default 2 MiB */
  maxBytes?: number;
  /** feeds fetched at once; default 4 */
  concurrency?: number;
  /** feeds looked at per round; default 200 */
  batch?: number;
  fetch?: typeof fetch;
  /** hosts allowed to be private; default the policy setting 订阅源内网, read per round */
  privateHosts?: readonly string[];
  /** the checked, pinned network (src/http/feed-net.ts); without it no feed is fetched */
  net?: FeedNet;
}

export interface FeedPollOutcome {
  accountId: number;
  result: 'ok' | 'not-modified' | 'error';
  newPosts: number;
  error?: string;
}

export interface FeedPollReport {
  polled: number;
  ok: number;
  notModified: number;
  errors: number;
  newPosts: number;
}

const MAX_TITLE = 200;
const MAX_URL = 2000;

const earlier = (a: Date, b: Date): Date => (a.getTime() <= b.getTime() ? a : b);

/**
 * When a new item says when it was published, that time (never later than now); otherwise now. On a feed's first
 * successful read the undated items are history, not news: they are dated no later than the oldest dated item, so a
 * feed's backlog never makes a dormant account look fresh.
 */
function publishedAt(item: FeedItem, now: Date, firstRead: boolean, oldestDated: Date | null): Date {
  if (item.publishedAt) return earlier(item.publishedAt, now);
  return firstRead && oldestDated ? oldestDated : now;
}

/** Read one feed and record what is new. Never throws for feed problems; storage errors propagate. */
export async function pollFeed(
  deps: FeedDeps,
  target: FeedTarget,
  opts: FeedPollOptions = {},
): Promise<FeedPollOutcome> {
  const { store, feeds, clock, log } = deps;
  // A changed URL starts over: its validators and failures belonged to the old one.
  const prev = target.state && target.state.url === target.feedUrl ? target.state : null;
  const result = await fetchFeed(
    target.feedUrl,
    { etag: prev?.etag ?? null, lastModified: prev?.lastModified ?? null },
    {
      timeoutMs: opts.timeoutMs,
      maxBytes: opts.maxBytes,
      fetch: opts.fetch,
      net: opts.net ?? deps.net,
      privateHosts: opts.privateHosts ?? resolvePolicy(await store.settings.all()).feedPrivateHosts,
    },
  );
  const now = clock.now();
  const backoff = { baseMinutes: opts.baseMinutes, maxMinutes: opts.maxMinutes };
  const base: FeedState = {
    accountId: target.accountId,
    url: target.feedUrl,
    etag: prev?.etag ?? null,
    lastModified: prev?.lastModified ?? null,
    lastCheckedAt: now,
    lastOkAt: prev?.lastOkAt ?? null,
    nextCheckAt: nextPollAt(now, 0, backoff),
    failures: 0,
    lastError: null,
  };

  if (result.kind === 'error') {
    const failures = (prev?.failures ?? 0) + 1;
    const state: FeedState = {
      ...base,
      failures,
      lastError: result.message,
      nextCheckAt: nextPollAt(now, failures, { ...backoff, retryAfterSeconds: result.retryAfterSeconds }),
    };
    await store.commit(feeds.save(state));
    log.warn(
      { accountId: target.accountId, url: maskUrl(target.feedUrl), failures, code: result.code, error: result.message },
      'feed read failed',
    );
    return { accountId: target.accountId, result: 'error', newPosts: 0, error: result.message };
  }
  if (result.kind === 'not-modified') {
    await store.commit(feeds.save({ ...base, lastOkAt: now }));
    return { accountId: target.accountId, result: 'not-modified', newPosts: 0 };
  }

  const items = [...new Map(result.items.map((i) => [i.id, i])).values()];
  const known = await feeds.knownItems(
    target.accountId,
    items.map((i) => i.id),
  );
  const fresh = items.filter((i) => !known.has(i.id));
  const dated = items.map((i) => i.publishedAt).filter((d): d is Date => d !== null);
  const oldestDated = dated.length
    ? earlier(
        dated.reduce((a, b) => earlier(a, b)),
        now,
      )
    : null;
  const firstRead = prev?.lastOkAt == null;
  const writes: Writes[] = fresh.map((i) =>
    store.posts.insert(
      {
        accountId: target.accountId,
        publishedAt: publishedAt(i, now, firstRead, oldestDated),
        title: i.title ? i.title.slice(0, MAX_TITLE) : null,
        url: i.link && i.link.length <= MAX_URL ? i.link : null,
        source: 'feed',
        externalId: i.id,
      },
      null,
      now,
    ),
  );
  writes.push(
    ...(await repostsFromFeed(
      deps,
      target.accountId,
      fresh.map((i) => ({ title: i.title, link: i.link, at: publishedAt(i, now, firstRead, oldestDated) })),
      now,
    )),
  );
  writes.push(feeds.save({ ...base, etag: result.etag, lastModified: result.lastModified, lastOkAt: now }));
  await store.commit(writes);
  if (fresh.length) log.info({ accountId: target.accountId, newPosts: fresh.length }, 'feed: new posts recorded');
  return { accountId: target.accountId, result: 'ok', newPosts: fresh.length };
}

/**
 * A new feed item whose title matches an open repost task's title (normalized; a source prefix allowed) counts as that
 * account's repost: the target is marked done, late if the item came after the deadline.
 */
async function repostsFromFeed(
  deps: FeedDeps,
  accountId: number,
  items: { title: string; link: string | null; at: Date }[],
  now: Date,
): Promise<Writes[]> {
  if (items.length === 0) return [];
  const open = await deps.store.reposts.openTargetsOf(accountId);
  const writes: Writes[] = [];
  for (const target of open) {
    const item = items.find((i) => titleMatches(target.title, i.title));
    if (!item) continue;
    writes.push(
      deps.store.reposts.completeIfOpen({
        taskId: target.taskId,
        accountId,
        at: item.at,
        link: item.link && item.link.length <= MAX_URL ? item.link : null,
        late: item.at.getTime() > target.deadlineAt.getTime(),
      }),
    );
    writes.push(
      deps.store.audit.add({
        at: now,
        actorId: null,
        actor: '订阅源',
        action: 'repost.done',
        subject: `T${target.taskId}`,
        details: { account: `A${accountId}`, via: 'feed', title: item.title },
      }),
    );
    deps.log.info({ accountId, task: target.taskId }, 'feed: repost recognised');
  }
  return writes;
}

/** Poll every feed that is due now (a few at a time). Never throws: a feed whose poll fails is logged and skipped. */
export async function pollDueFeeds(deps: FeedDeps, opts: FeedPollOptions = {}): Promise<FeedPollReport> {
  const report: FeedPollReport = { polled: 0, ok: 0, notModified: 0, errors: 0, newPosts: 0 };
  let due: FeedTarget[];
  try {
    due = await deps.feeds.due(deps.clock.now(), opts.batch ?? 200);
  } catch (e) {
    deps.log.error({ err: e }, 'feed poller: could not list due feeds');
    return report;
  }
  if (opts.privateHosts === undefined) {
    try {
      opts = { ...opts, privateHosts: resolvePolicy(await deps.store.settings.all()).feedPrivateHosts };
    } catch (e) {
      deps.log.error({ err: e }, 'feed poller: could not read the settings');
      return report;
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const target = due[next++]!;
      try {
        const r = await pollFeed(deps, target, opts);
        report.polled++;
        report.newPosts += r.newPosts;
        if (r.result === 'ok') report.ok++;
        else if (r.result === 'not-modified') report.notModified++;
        else report.errors++;
      } catch (e) {
        report.errors++;
        deps.log.error({ err: e, accountId: target.accountId }, 'feed poller: could not record a poll');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, due.length)) }, worker));
  return report;
}

export interface FeedPoller {
  /** poll what is due now (also what the timer does) */
  pollNow(): Promise<FeedPollReport>;
  /** stop the timer and wait for a round in progress */
  stop(): Promise<void>;
}

export interface FeedPollerOptions extends FeedPollOptions {
  /** how often to look for due feeds; default 60 s */
  intervalMs?: number;
  /** delay before the first round; default 5 s */
  initialDelayMs?: number;
}

/** Start polling feeds in this process. Never throws; feed errors are recorded, other errors logged. */
export function startFeedPoller(
  rt: { services: Services; feeds: FeedStore },
  opts: FeedPollerOptions = {},
): FeedPoller {
  const deps: FeedDeps = { store: rt.services.store, feeds: rt.feeds, clock: rt.services.clock, log: rt.services.log };
  const intervalMs = opts.intervalMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<FeedPollReport> | null = null;

  const round = (): Promise<FeedPollReport> => {
    if (running) return running;
    running = pollDueFeeds(deps, opts).finally(() => {
      running = null;
    });
    return running;
  };
  const loop = (): void => {
    timer = null;
    if (stopped) return;
    void round().finally(() => {
      if (!stopped) timer = setTimeout(loop, intervalMs);
    });
  };
  timer = setTimeout(loop, opts.initialDelayMs ?? 5_000);

  return {
    pollNow: round,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await running;
    },
  };
}
