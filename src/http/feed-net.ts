/**
 * Where the feed poller may connect. A feed URL is filed by a liaison, so fetching it must not reach the server's own
 * network: by default only public addresses are fetched; private, loopback and link-local ranges only for hosts an
 * admin lists in the policy setting 订阅源内网 (a hostname, an IP address or a CIDR range). The address is checked
 * after DNS resolution and the connection is pinned to the address that was checked (no second lookup an attacker's
 * DNS could answer differently); every redirect is checked the same way.
 *
 *   checkFeedTarget(url, allow, resolve) → { ok: true, address, family } | { ok: false, reason }
 *   pinnedGet(url, pin, headers, signal)  → a fetch Response from a connection to exactly `pin`
 *   nodeFeedNet(resolve?)                 → both as the FeedNet port the feed poller is given (src/ports/feeds.ts)
 */
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { FeedNet, ResolvedAddress, Resolver, TargetCheck } from '../ports/feeds.js';

export type { ResolvedAddress, Resolver, TargetCheck };

export const systemResolver: Resolver = async (hostname) => {
  const all = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** Not public: RFC 6890 special-purpose ranges (private, loopback, link-local, CGNAT, documentation, multicast …). */
const NON_PUBLIC = new net.BlockList();
for (const [prefix, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(prefix, bits, 'ipv6');

/** Never connected to, even when listed: "any address", multicast and broadcast. */
const NEVER = new net.BlockList();
NEVER.addSubnet('0.0.0.0', 8, 'ipv4');
NEVER.addSubnet('224.0.0.0', 4, 'ipv4');
NEVER.addAddress('255.255.255.255', 'ipv4');
NEVER.addAddress('::', 'ipv6');
NEVER.addSubnet('ff00::', 8, 'ipv6');

const kind = (ip: string): 'ipv4' | 'ipv6' => (net.isIPv6(ip) ? 'ipv6' : 'ipv4');

/** An IPv4-mapped IPv6 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) as the IPv4 address it is; others unchanged. */
export function unmapped(ip: string): string {
  const m = /^(?:0{0,4}:){0,4}:?(?:0{0,4}:)?ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(ip);
  if (!m || !net.isIPv6(ip)) return ip;
  if (m[1]) return m[1];
  const hi = Number.parseInt(m[2]!, 16);
  const lo = Number.parseInt(m[3]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export function isPublicAddress(raw: string): boolean {
  const ip = unmapped(raw);
  return net.isIP(ip) !== 0 && !NON_PUBLIC.check(ip, kind(ip));
}

const bare = (host: string): string =>
  host
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

/** Does an admin's 订阅源内网 list allow this host name or address to be private? */
export function listedAsPrivate(allow: readonly string[], hostname: string, ip: string): boolean {
  const host = bare(hostname);
  for (const raw of allow) {
    const entry = bare(raw);
    if (entry === host) return true;
    const slash = entry.indexOf('/');
    if (slash > 0) {
      const prefix = entry.slice(0, slash);
      const bits = Number(entry.slice(slash + 1));
      if (net.isIP(prefix) && net.isIP(ip) && kind(prefix) === kind(ip) && Number.isInteger(bits)) {
        const b = new net.BlockList();
        try {
          b.addSubnet(prefix, bits, kind(prefix));
        } catch {
          continue;
        }
        if (b.check(ip, kind(ip))) return true;
      }
    } else if (net.isIP(entry) && net.isIP(ip) && kind(entry) === kind(ip)) {
      const b = new net.BlockList();
      b.addAddress(entry, kind(entry));
      if (b.check(ip, kind(ip))) return true;
    }
  }
  return false;
}

/**
 * Resolve the URL's host and decide. Every address the name resolves to must be allowed (a name that answers with
 * one public and one private address is refused), and the first is the one to connect to.
 */
export async function checkFeedTarget(
  url: URL,
  allow: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<TargetCheck> {
  const host = bare(url.hostname);
  let addresses: ResolvedAddress[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIPv6(host) ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, reason: 'unresolved' };
    }
  }
  if (addresses.length === 0) return { ok: false, reason: 'unresolved' };
  for (const a of addresses) {
    const ip = unmapped(a.address);
    if (net.isIP(ip) === 0 || NEVER.check(ip, kind(ip))) return { ok: false, reason: 'blocked' };
    if (!isPublicAddress(ip) && !listedAsPrivate(allow, host, ip)) return { ok: false, reason: 'blocked' };
  }
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family };
}

/** GET `url` over a connection to exactly `pin` (TLS still checks the certificate against the URL's host name). */
export function pinnedGet(
  url: URL,
  pin: ResolvedAddress,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<Response> {
  const mod = url.protocol === 'https:' ? https : http;
  const lookup = (_host: string, opts: { all?: boolean }, cb: (...args: unknown[]) => void): void => {
    if (opts.all) cb(null, [{ address: pin.address, family: pin.family }]);
    else cb(null, pin.address, pin.family);
  };
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: 'GET',
        headers: { ...headers, 'Accept-Encoding': 'gzip, deflate, br' },
        signal,
        lookup: lookup as unknown as net.LookupFunction,
        agent: false,
      },
      (res) => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        const status = res.statusCode ?? 502;
        const encoding = (res.headers['content-encoding'] ?? '').toLowerCase();
        const decoded: Readable =
          encoding === 'gzip' || encoding === 'x-gzip'
            ? res.pipe(zlib.createGunzip())
            : encoding === 'deflate'
              ? res.pipe(zlib.createInflate())
              : encoding === 'br'
                ? res.pipe(zlib.createBrotliDecompress())
                : res;
        if (decoded !== res) {
          h.delete('content-length');
          res.on('error', (e) => decoded.destroy(e));
        }
        const empty = status === 204 || status === 304 || (status >= 300 && status < 400);
        if (empty) res.resume();
        try {
          resolve(
            new Response(empty ? null : (Readable.toWeb(decoded) as ReadableStream<Uint8Array>), {
              status: status < 200 || status > 599 ? 502 : status,
              headers: h,
            }),
          );
        } catch (e) {
          reject(e);
        }
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The Node implementation of the feed poller's network port: checked, resolved once, pinned. */
export function nodeFeedNet(resolve: Resolver = systemResolver): FeedNet {
  return {
    check: (url, allow) => checkFeedTarget(url, allow, resolve),
    get: pinnedGet,
  };
}
