/**
 * Text normalization with an index map back to the original string.
 *
 * Every normalized string produced here carries, for each of its UTF-16 code units `i`, the half-open range
 * `[start[i], end[i])` of the ORIGINAL string it came from. A match `[s, e)` in the normalized text therefore maps to
 * `[start[s], end[e - 1])` in the original, which is what a finding reports.
 *
 * Three stages, each composable with the previous one's map:
 *   1. {@link foldText}: per code point NFKC (full-width → half-width, compatibility ideographs → unified), lower-case,
 *      and removal of zero-width/format characters, control characters, combining marks, emoji modifiers and lone
 *      surrogates. Link detection and 异形词 matching run on this stage.
 *   2. {@link joinHan}: removal of short runs of junk separators (spaces, dots, ·, *, |, -, _, symbols, emoji …) that
 *      sit between two Han characters, so "赌·博" and "博 彩" read as "赌博" and "博彩". Line breaks are not separators.
 *   3. {@link toSimplified}: traditional → simplified Chinese with opencc-js (`hk` → `cn`), built once, lazily.
 * {@link normalizeForMatch} runs all three; forbidden words, custom lists and leader names are matched on its output.
 *
 * Pure: no I/O; runs on Node and Cloudflare Workers.
 */
import { Converter } from 'opencc-js/t2cn';

export interface Normalized {
  /** the normalized text */
  readonly text: string;
  /** per code unit of `text`: start offset (inclusive) in the original string */
  readonly start: Int32Array;
  /** per code unit of `text`: end offset (exclusive) in the original string */
  readonly end: Int32Array;
}

/** Map a half-open range of a normalized text back to the original string. */
export function toOriginal(n: Normalized, s: number, e: number): { start: number; end: number } {
  if (n.text.length === 0) return { start: 0, end: 0 };
  const si = clamp(s, 0, n.text.length - 1);
  const ei = clamp(e - 1, si, n.text.length - 1);
  return { start: n.start[si] ?? 0, end: n.end[ei] ?? 0 };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : Math.min(v, hi);
}

/** Growable pair of offset arrays plus a string builder. */
class Builder {
  private parts: string[] = [];
  private starts: Int32Array;
  private ends: Int32Array;
  private len = 0;

  constructor(capacity: number) {
    const c = Math.max(16, capacity);
    this.starts = new Int32Array(c);
    this.ends = new Int32Array(c);
  }

  /** append `s` (any length) mapping every code unit of it to the original range [os, oe) */
  push(s: string, os: number, oe: number): void {
    const need = this.len + s.length;
    if (need > this.starts.length) {
      const cap = Math.max(need, this.starts.length * 2);
      const ns = new Int32Array(cap);
      ns.set(this.starts.subarray(0, this.len));
      const ne = new Int32Array(cap);
      ne.set(this.ends.subarray(0, this.len));
      this.starts = ns;
      this.ends = ne;
    }
    for (let k = 0; k < s.length; k++) {
      this.starts[this.len + k] = os;
      this.ends[this.len + k] = oe;
    }
    this.len = need;
    this.parts.push(s);
  }

  build(): Normalized {
    return { text: this.parts.join(''), start: this.starts.slice(0, this.len), end: this.ends.slice(0, this.len) };
  }
}

const DROP_RE = /[\p{M}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;
const foldCache = new Map<number, string>();
const FOLD_CACHE_MAX = 4096;

/** NFKC + lower-case one code point, then drop invisible/combining code points from the result. */
function foldCodePoint(cp: number): string {
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  let out = '';
  // control characters: keep tab/newline/carriage return as layout, drop the rest
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
    out = cp === 0x09 || cp === 0x0a || cp === 0x0d ? String.fromCharCode(cp) : '';
  } else if (cp >= 0x1f3fb && cp <= 0x1f3ff) {
    out = ''; // emoji skin-tone modifiers glue onto the previous character as one grapheme
  } else {
    const nf = String.fromCodePoint(cp).normalize('NFKC').toLowerCase();
    for (const ch of nf) {
      if (!DROP_RE.test(ch)) out += ch;
    }
  }
  if (foldCache.size < FOLD_CACHE_MAX) foldCache.set(cp, out);
  return out;
}

/**
 * Stage 1: NFKC per code point, lower-case, drop zero-width/format/control characters, combining marks and lone
 * surrogates. Never throws.
 */
export function foldText(original: string): Normalized {
  const b = new Builder(original.length);
  const n = original.length;
  let i = 0;
  while (i < n) {
    const c = original.charCodeAt(i);
    // fast paths: printable ASCII and the CJK Unified Ideographs block are NFKC- and case-stable
    if (c >= 0x20 && c < 0x7f) {
      b.push(c >= 0x41 && c <= 0x5a ? String.fromCharCode(c + 32) : (original[i] ?? ''), i, i + 1);
      i += 1;
      continue;
    }
    if (c >= 0x4e00 && c <= 0x9fff) {
      b.push(original[i] ?? '', i, i + 1);
      i += 1;
      continue;
    }
    let cp = c;
    let size = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = original.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
        size = 2;
      }
    }
    if (size === 1 && c >= 0xd800 && c <= 0xdfff) {
      i += 1; // lone surrogate: drop
      continue;
    }
    const folded = foldCodePoint(cp);
    if (folded.length > 0) b.push(folded, i, i + size);
    i += size;
  }
  return b.build();
}

const HAN_RE = /\p{Script=Han}/u;
/** Characters that junk-split a word when they sit between two Han characters. Newlines are deliberately absent. */
const SEPARATOR_RE = /[ \t\u00a0\p{Zs}\p{Pc}\p{Pd}\p{Sm}\p{Sk}\p{So}.·•‧∙⋅・*#%&@'"`/\\|~^]/u;
/** the longest separator run that is removed; longer runs are layout, not injection */
const MAX_SEPARATOR_RUN = 4;

function codePointAt(s: string, i: number): { ch: string; size: number } {
  const cp = s.codePointAt(i) ?? 0;
  const size = cp > 0xffff ? 2 : 1;
  return { ch: s.slice(i, i + size), size };
}

/** Stage 2: drop separator runs (≤ 4 code points) between two Han characters. */
export function joinHan(input: Normalized): Normalized {
  const t = input.text;
  const b = new Builder(t.length);
  let i = 0;
  let prevHan = false;
  while (i < t.length) {
    const { ch, size } = codePointAt(t, i);
    if (prevHan && SEPARATOR_RE.test(ch)) {
      // look ahead over the run of separators
      let j = i;
      let count = 0;
      while (j < t.length && count <= MAX_SEPARATOR_RUN) {
        const next = codePointAt(t, j);
        if (!SEPARATOR_RE.test(next.ch)) break;
        j += next.size;
        count += 1;
      }
      if (count <= MAX_SEPARATOR_RUN && j < t.length && HAN_RE.test(codePointAt(t, j).ch)) {
        i = j; // skip the separators; the Han character after them is handled next
        continue;
      }
    }
    for (let k = 0; k < size; k++) b.push(t[i + k] ?? '', input.start[i + k] ?? 0, input.end[i + k] ?? 0);
    prevHan = HAN_RE.test(ch);
    i += size;
  }
  return b.build();
}

type ConvertFn = (s: string) => string;
let converter: ConvertFn | null | undefined;

/** The traditional → simplified converter, built on first use; `null` if it could not be built. */
function getConverter(): ConvertFn | null {
  if (converter === undefined) {
    try {
      converter = Converter({ from: 'hk', to: 'cn' });
    } catch {
      converter = null;
    }
  }
  return converter;
}

/**
 * Stage 3: traditional → simplified. OpenCC conversion is phrase-based but almost always length-preserving; when the
 * whole-string result has the same length the map is kept 1:1, otherwise each code point is converted on its own.
 */
export function toSimplified(input: Normalized): Normalized {
  const conv = getConverter();
  if (!conv || input.text.length === 0) return input;
  let whole: string;
  try {
    whole = conv(input.text);
  } catch {
    return input;
  }
  if (whole.length === input.text.length) {
    return { text: whole, start: input.start, end: input.end };
  }
  const b = new Builder(input.text.length);
  const t = input.text;
  let i = 0;
  while (i < t.length) {
    const { ch, size } = codePointAt(t, i);
    let out = ch;
    try {
      out = conv(ch);
    } catch {
      out = ch;
    }
    const os = input.start[i] ?? 0;
    const oe = input.end[i + size - 1] ?? os;
    if (out.length === size) {
      for (let k = 0; k < size; k++) b.push(out[k] ?? '', input.start[i + k] ?? os, input.end[i + k] ?? oe);
    } else if (out.length > 0) {
      b.push(out, os, oe);
    }
    i += size;
  }
  return b.build();
}

/** All three stages: the form forbidden words, custom lists and leader names are matched against. */
export function normalizeForMatch(original: string): Normalized {
  return toSimplified(joinHan(foldText(original)));
}

/** Normalize a dictionary entry (a list word, a custom banned expression, a leader name) the same way as text. */
export function normalizeWord(word: string): string {
  return normalizeForMatch(word).text.trim();
}

/** Normalize a 异形词 entry: stage 1 only (variants are matched on folded, unconverted text). */
export function foldWord(word: string): string {
  return foldText(word).text.trim();
}
