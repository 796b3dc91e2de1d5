/**
 * Link checks: find http(s) URLs, bare domains (www.example.com, example.com/path) and IP addresses in folded text
 * (full-width "ｗｗｗ．ｂｅｔ３６５．ｃｏｍ" has already become "www.bet365.com"), and judge each host against the
 * allow-list: gov.cn and its subdomains plus the caller's domains, matched by domain suffix on label boundaries
 * ("evilgov.cn" does not match "gov.cn"). IP-literal hosts and public URL shorteners get their own messages.
 *
 * Hosts are compared in their ASCII (punycode) form, obtained with the WHATWG URL parser, which exists on Node and on
 * Cloudflare Workers; every parse is wrapped so that no input can make the check throw.
 */
import shorteners from './data/shorteners.json' with { type: 'json' };
import { foldText, type Normalized } from './normalize.js';

export const DEFAULT_ALLOW_DOMAINS: readonly string[] = ['gov.cn'];

export type LinkVerdict =
  | { kind: 'ok'; host: string }
  | { kind: 'ip'; host: string }
  | { kind: 'shortener'; host: string }
  | { kind: 'domain'; host: string; idn: boolean; userinfo: boolean }
  | { kind: 'scheme'; scheme: string }
  | { kind: 'invalid' };

export interface LinkCandidate {
  /** offsets into the folded text */
  start: number;
  end: number;
  /** what to hand to the URL parser (scheme added when the text had none) */
  url: string;
}

/** Top-level domains a bare (scheme-less, non-www) domain in running text must end with to count as a link. */
const BARE_TLDS = new Set([
  'com',
  'net',
  'org',
  'cn',
  'gov',
  'edu',
  'info',
  'biz',
  'top',
  'xyz',
  'vip',
  'cc',
  'io',
  'me',
  'tv',
  'co',
  'app',
  'dev',
  'site',
  'online',
  'shop',
  'store',
  'club',
  'wang',
  'ltd',
  'pro',
  'live',
  'fun',
  'icu',
  'work',
  'tech',
  'asia',
  'mobi',
  'name',
  'link',
  'win',
  'bid',
  'loan',
  'ren',
  'ink',
  'art',
  'red',
  'kim',
  'cloud',
  'ly',
  'gl',
  'hk',
  'tw',
  'mo',
  'sg',
  'us',
  'uk',
  'jp',
  'kr',
  'ru',
  'de',
  'fr',
  'la',
  'ws',
  'bet',
  'casino',
  'poker',
  'games',
  'game',
  'vin',
  'cyou',
  'buzz',
  'today',
  'group',
  'plus',
  'cool',
  'video',
  'press',
  'news',
  'email',
  'host',
  'website',
  'space',
]);

const SHORTENERS: readonly string[] = shorteners.words.map((d) => d.toLowerCase());

/** characters that end a URL path in running Chinese text (after NFKC, "，（）！；" are ASCII) */
const PATH_CHARS = /[^\s"<>`,;!()[\]{}|\\^\u0080-\uffff]/;
const AUTHORITY_ASCII = /[a-z0-9\-._~%:@[\]]/;
const AUTHORITY_UNICODE = /[\p{L}\p{N}\-.]/u;
const TRAILING_PUNCT = /[.:?'*#]+$/;

const SCHEME_RE = /(?<![a-z0-9])https?:\/\//g;
const BARE_RE =
  /(?<![a-z0-9@_%+\-./:])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:xn--[a-z0-9-]{1,59}|[a-z]{2,24}))(?![a-z0-9-])((?::\d{1,5})?(?:[/?#][^\s"<>`,;!()[\]{}|\\^\u0080-\uffff]*)?)/g;
const IP_RE =
  /(?<![a-z0-9.-])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?![\d.])((?::\d{1,5})?(?:[/?#][^\s"<>`,;!()[\]{}|\\^\u0080-\uffff]*)?)/g;

function takeWhile(text: string, i: number, re: RegExp): number {
  let j = i;
  while (j < text.length) {
    const cp = text.codePointAt(j) ?? 0;
    const ch = String.fromCodePoint(cp);
    if (!re.test(ch)) break;
    j += ch.length;
  }
  return j;
}

function trimEnd(text: string, start: number, end: number): number {
  const m = TRAILING_PUNCT.exec(text.slice(start, end));
  return m ? end - m[0].length : end;
}

/** Every link-looking piece of folded running text, in order, without overlaps. */
export function findLinkCandidates(text: string): LinkCandidate[] {
  const out: LinkCandidate[] = [];
  const covered: [number, number][] = [];
  const overlaps = (s: number, e: number) => covered.some(([a, b]) => s < b && e > a);

  for (const m of text.matchAll(SCHEME_RE)) {
    const s = m.index ?? 0;
    const afterScheme = s + m[0].length;
    let j = takeWhile(text, afterScheme, AUTHORITY_ASCII);
    if (j === afterScheme || text.charAt(j - 1) === '.') j = takeWhile(text, j, AUTHORITY_UNICODE); // IDN host
    if (j === afterScheme) continue; // "http://" with nothing after it
    if (j < text.length && /[/?#]/.test(text.charAt(j))) j = takeWhile(text, j, PATH_CHARS);
    const e = trimEnd(text, s, j);
    if (e <= afterScheme) continue;
    out.push({ start: s, end: e, url: text.slice(s, e) });
    covered.push([s, e]);
  }

  for (const m of text.matchAll(IP_RE)) {
    const s = m.index ?? 0;
    if (!m[2]) continue; // a bare dotted quad without port or path is more often a number than a link
    const e = trimEnd(text, s, s + m[0].length);
    if (overlaps(s, e)) continue;
    out.push({ start: s, end: e, url: `http://${text.slice(s, e)}` });
    covered.push([s, e]);
  }

  for (const m of text.matchAll(BARE_RE)) {
    const s = m.index ?? 0;
    const host = m[1] ?? '';
    const tld = host.slice(host.lastIndexOf('.') + 1);
    if (!(host.startsWith('www.') || tld.startsWith('xn--') || BARE_TLDS.has(tld))) continue;
    const e = trimEnd(text, s, s + m[0].length);
    if (overlaps(s, e)) continue;
    out.push({ start: s, end: e, url: `http://${text.slice(s, e)}` });
    covered.push([s, e]);
  }

  return out.sort((a, b) => a.start - b.start);
}

/** ASCII (punycode) host of a domain-like string, or '' if it is not one. */
function asciiHost(domainLike: string): string {
  try {
    return new URL(`http://${domainLike}`).hostname.replace(/\.+$/, '');
  } catch {
    return '';
  }
}

/** Normalize the caller's allow-list: accepts "example.com", ".example.com", "*.example.com", "https://example.com/x". */
export function normalizeAllowList(extra: readonly unknown[] | undefined): string[] {
  const out = new Set<string>(DEFAULT_ALLOW_DOMAINS);
  for (const raw of extra ?? []) {
    if (typeof raw !== 'string') continue;
    let s = foldText(raw).text.trim();
    s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
    s = s.replace(/[/?#].*$/, '');
    s = s.replace(/^.*@/, '');
    s = s.replace(/^\*?\.+/, '').replace(/\.+$/, '');
    if (!s) continue;
    const host = asciiHost(s);
    if (host) out.add(host);
  }
  return [...out];
}

function suffixMatch(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

function isIpHost(host: string): boolean {
  return host.startsWith('[') || /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host);
}

/** Judge one URL string (with scheme). Never throws. */
export function judgeUrl(url: string, allow: readonly string[]): LinkVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'invalid' };
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') return { kind: 'scheme', scheme };
  const host = parsed.hostname.replace(/\.+$/, '');
  if (!host) return { kind: 'invalid' };
  if (allow.some((d) => suffixMatch(host, d))) return { kind: 'ok', host };
  if (isIpHost(host)) return { kind: 'ip', host };
  if (SHORTENERS.some((d) => suffixMatch(host, d))) return { kind: 'shortener', host };
  return {
    kind: 'domain',
    host,
    idn: host.split('.').some((l) => l.startsWith('xn--')),
    userinfo: parsed.username !== '' || parsed.password !== '',
  };
}

/** The single-link form of the explicit link field, or null when it reads like prose (spaces, Chinese words). */
export function explicitLinkUrl(trimmed: string): { url: string } | { scheme: string } | null {
  if (/\s/.test(trimmed) || /\p{Script=Han}{2,}/u.test(trimmed.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/, ''))) {
    return null;
  }
  if (/^https?:\/\//.test(trimmed)) return { url: trimmed };
  if (trimmed.startsWith('//')) return { url: `http:${trimmed}` };
  const m = /^([a-z][a-z0-9+.-]*):(.?)/.exec(trimmed);
  if (m && !(m[1] ?? '').includes('.') && !/\d/.test(m[2] ?? '')) {
    const scheme = m[1] ?? '';
    if (scheme !== 'http' && scheme !== 'https') return { scheme };
  }
  return { url: `http://${trimmed}` };
}

// ---- punycode (RFC 3492) decoding, only to show an IDN host the way a reader sees it ----
const PC_BASE = 36;
const PC_TMIN = 1;
const PC_TMAX = 26;

function pcAdapt(delta: number, numPoints: number, firstTime: boolean): number {
  let d = firstTime ? Math.floor(delta / 700) : delta >> 1;
  d += Math.floor(d / numPoints);
  let k = 0;
  while (d > ((PC_BASE - PC_TMIN) * PC_TMAX) >> 1) {
    d = Math.floor(d / (PC_BASE - PC_TMIN));
    k += PC_BASE;
  }
  return Math.floor(k + ((PC_BASE - PC_TMIN + 1) * d) / (d + 38));
}

function pcDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 22;
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61;
  return PC_BASE;
}

/** Decode one punycode label (without "xn--"); throws on malformed input. */
function decodePunycodeLabel(input: string): string {
  const output: number[] = [];
  const basic = Math.max(0, input.lastIndexOf('-'));
  for (let j = 0; j < basic; j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) throw new RangeError('not basic');
    output.push(c);
  }
  let n = 128;
  let i = 0;
  let bias = 72;
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length; ) {
    const oldi = i;
    let w = 1;
    for (let k = PC_BASE; ; k += PC_BASE) {
      if (index >= input.length) throw new RangeError('truncated');
      const digit = pcDigit(input.charCodeAt(index++));
      if (digit >= PC_BASE) throw new RangeError('bad digit');
      i += digit * w;
      if (i > 0x10ffff * 64) throw new RangeError('overflow');
      const t = k <= bias ? PC_TMIN : k >= bias + PC_TMAX ? PC_TMAX : k - bias;
      if (digit < t) break;
      w *= PC_BASE - t;
    }
    const len = output.length + 1;
    bias = pcAdapt(i - oldi, len, oldi === 0);
    n += Math.floor(i / len);
    i %= len;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) throw new RangeError('bad code point');
    output.splice(i, 0, n);
    i += 1;
  }
  return String.fromCodePoint(...output);
}

/** The Unicode form of an ASCII host ("xn--fiqs8s.cn" → "中国.cn"); the input itself when a label cannot be decoded. */
export function unicodeHost(host: string): string {
  try {
    const labels = host.split('.').map((l) => {
      if (!l.startsWith('xn--')) return l;
      if (l.length > 63) throw new RangeError('label too long'); // DNS limit; also bounds the decoder's work
      return decodePunycodeLabel(l.slice(4));
    });
    return labels.some((l) => l === '') ? host : labels.join('.');
  } catch {
    return host;
  }
}

export function linkMessage(v: Exclude<LinkVerdict, { kind: 'ok' }>): { message: string; suggestion?: string } {
  switch (v.kind) {
    case 'ip':
      return { message: `链接使用IP地址「${v.host}」，无法核实网站主办单位，请核实` };
    case 'shortener':
      return { message: `短链接「${v.host}」无法核实真实地址，请改用原始链接`, suggestion: '改用原始链接' };
    case 'domain': {
      const shown = v.idn ? unicodeHost(v.host) : v.host;
      let message = `链接域名「${shown}」不在白名单内，请核实`;
      if (v.idn) message += `（国际化域名 ${v.host}，注意仿冒）`;
      if (v.userinfo) message += '（链接含“@”，实际指向该域名）';
      return { message };
    }
    case 'scheme':
      return { message: `链接协议「${v.scheme}」不是http(s)，请核实` };
    case 'invalid':
      return { message: '链接格式无法识别，请核实' };
  }
}

/** Links found in a folded text, judged. Offsets are into the folded text. */
export function checkLinksInText(
  folded: Normalized,
  allow: readonly string[],
): { start: number; end: number; verdict: Exclude<LinkVerdict, { kind: 'ok' }> }[] {
  const out: { start: number; end: number; verdict: Exclude<LinkVerdict, { kind: 'ok' }> }[] = [];
  for (const c of findLinkCandidates(folded.text)) {
    const verdict = judgeUrl(c.url, allow);
    if (verdict.kind === 'ok') continue;
    out.push({ start: c.start, end: c.end, verdict });
  }
  return out;
}
