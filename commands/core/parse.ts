/**
 * The command-line grammar (README "Commands"), as a pure function of the text:
 * - a command starts with `/` or `／` after any leading @mentions (the bot's);
 * - arguments are positional words and `key=value` pairs; `=` `＝` `:` `：` separate key and value;
 * - values may be quoted with "" “” 「」 『』; full-width and other Unicode spaces count as spaces;
 * - `@name` tokens are mentions (resolved to people later).
 */
import { addDays, type DateStr, makeDate, shanghaiDate, shanghaiInstant } from '../../src/domain/time.js';

export interface Token {
  text: string;
  quoted: boolean;
  /** where in `text` the first quoted run begins (null when unquoted) */
  quoteAt: number | null;
}

export interface RawArgs {
  /** words that are neither key=value nor @mentions, in order (quoted words included) */
  positional: string[];
  /** key → value; keys as typed (aliases are mapped by the command) */
  named: Map<string, string>;
  /** keys that appeared more than once */
  repeated: string[];
  /** @mention tokens in positional places, without the @ */
  mentions: string[];
}

export type ParsedLine =
  | { kind: 'none' }
  /** `name`: the word after the slash (`/ 帮助` with a space is read the same), '' when there is none */
  | { kind: 'command'; name: string; args: RawArgs; raw: string };

const QUOTES: Record<string, string> = { '"': '"', '“': '”', '「': '」', '『': '』', '”': '”' };
const SEPARATORS = new Set(['=', '＝', ':', '：']);
/** Every Unicode space and the zero-width characters chat clients insert. */
const SPACE_RE = /[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;

export function normalizeSpaces(text: string): string {
  return text.replace(new RegExp(SPACE_RE.source, 'g'), ' ').replace(/[\u200c\u200d\u2060]/g, '');
}

/** Split on spaces, keeping quoted runs together. An unterminated quote runs to the end. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let cur = '';
  let quoteAt: number | null = null;
  let inToken = false;
  let close: string | null = null;
  for (const ch of text) {
    if (close !== null) {
      if (ch === close) close = null;
      else cur += ch;
      continue;
    }
    if (SPACE_RE.test(ch)) {
      if (inToken) out.push({ text: cur, quoted: quoteAt !== null, quoteAt });
      cur = '';
      quoteAt = null;
      inToken = false;
      continue;
    }
    const q = QUOTES[ch];
    if (q !== undefined) {
      close = q;
      quoteAt ??= cur.length;
      inToken = true;
      continue;
    }
    cur += ch;
    inToken = true;
  }
  if (inToken) out.push({ text: cur, quoted: quoteAt !== null, quoteAt });
  return out;
}

const KEY_RE = /^[\p{L}_][\p{L}\p{N}_-]*$/u;

/** Split `key=value` (first separator). Not for URLs (`https://…`) or times (`09:00`). */
function splitPair(tok: Token): [string, string] | null {
  const token = tok.text;
  const end = tok.quoteAt ?? token.length;
  for (let i = 1; i < end; i++) {
    const ch = token[i] as string;
    if (!SEPARATORS.has(ch)) continue;
    const key = token.slice(0, i);
    const value = token.slice(i + 1);
    if (!KEY_RE.test(key)) return null;
    if ((ch === ':' || ch === '：') && value.startsWith('//')) return null;
    return [key, value];
  }
  return null;
}

/**
 * Parse one chat message. Quotes protect a value from being read as a key or a mention; a key's value may be quoted
 * after the separator (`标题=「关于 … 的通知」`).
 */
export function parseCommandLine(input: string): ParsedLine {
  const text = normalizeSpaces(input).trim();
  const tokens = tokenize(text);
  // Leading @mentions address the bot.
  let i = 0;
  while (i < tokens.length && !tokens[i]!.quoted && tokens[i]!.text.startsWith('@')) i++;
  const head = tokens[i];
  if (!head || head.quoteAt === 0 || !(head.text.startsWith('/') || head.text.startsWith('／')))
    return { kind: 'none' };
  const first = head.text.slice(1);
  const rest = tokens.slice(i + 1);
  const name = first.length > 0 ? first : rest[0] && !rest[0].quoted ? rest.shift()!.text : '';

  const args: RawArgs = { positional: [], named: new Map(), repeated: [], mentions: [] };
  const put = (k: string, v: string): void => {
    if (args.named.has(k)) args.repeated.push(k);
    args.named.set(k, v);
  };
  for (let j = 0; j < rest.length; j++) {
    const tok = rest[j]!;
    if (tok.quoteAt === 0) {
      args.positional.push(tok.text);
      continue;
    }
    if (tok.text.startsWith('@') && tok.text.length > 1 && !tok.quoted) {
      args.mentions.push(tok.text.slice(1));
      continue;
    }
    const pair = splitPair(tok);
    if (pair) {
      const [k, v] = pair;
      // `名称= 兴国发布` or `名称 = 兴国发布`: the value is the next word
      if (v === '' && !tok.quoted && rest[j + 1] && !splitPair(rest[j + 1]!)) {
        put(k, rest[j + 1]!.text);
        j++;
      } else put(k, v);
      continue;
    }
    const next = rest[j + 1];
    if (next && !next.quoted && SEPARATORS.has(next.text) && !tok.quoted && KEY_RE.test(tok.text) && rest[j + 2]) {
      put(tok.text, rest[j + 2]!.text);
      j += 2;
      continue;
    }
    args.positional.push(tok.text);
  }
  return { kind: 'command', name, args, raw: text };
}

/**
 * Dates a user may type: `2026-11-20`, `2026/11/20`, `2026.11.20`, `2026年11月20日`, `11月20日` (this year),
 * `今天`, `昨天`, `前天`, `明天`, `后天`.
 */
export function parseDateInput(input: string, today: DateStr): DateStr | null {
  const s = input.trim();
  const rel: Record<string, number> = {
    今天: 0,
    今日: 0,
    昨天: -1,
    昨日: -1,
    前天: -2,
    明天: 1,
    明日: 1,
    后天: 2,
    today: 0,
    yesterday: -1,
    tomorrow: 1,
  };
  const r = rel[s.toLowerCase()];
  if (r !== undefined) return addDays(today, r);
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (m) return makeDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$/.exec(s);
  if (m) return makeDate(m[1] ? Number(m[1]) : Number(today.slice(0, 4)), Number(m[2]), Number(m[3]));
  return null;
}

/**
 * A moment: a date as above with an optional time `09:00`, `9:30`, `9点`, `9点30`, `15时`, joined by a space or `T`;
 * or an ISO 8601 timestamp with an offset. Without a time, `defaultTime` (HH:MM) is used. Times are Asia/Shanghai.
 */
export function parseDateTimeInput(input: string, now: Date, defaultTime = '00:00'): Date | null {
  const s = normalizeSpaces(input).trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(s)) {
    const t = new Date(s);
    return Number.isNaN(t.getTime()) ? null : t;
  }
  const m = /^(.*?)(?:[ T]?(\d{1,2})(?:[:：](\d{2})|[点时](?:(\d{1,2})分?|半)?))?$/.exec(s);
  if (!m) return null;
  const datePart = (m[1] ?? '').trim();
  const d = parseDateInput(datePart === '' ? '今天' : datePart, shanghaiDate(now));
  if (!d) return null;
  let hh: number;
  let mm: number;
  if (m[2] !== undefined) {
    hh = Number(m[2]);
    mm = m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? Number(m[4]) : s.endsWith('半') ? 30 : 0;
  } else {
    if (datePart === '') return null;
    [hh, mm] = defaultTime.split(':').map(Number) as [number, number];
  }
  if (hh > 23 || mm > 59) return null;
  return shanghaiInstant(d, hh, mm);
}
