/** Helpers that read the ORIGINAL string: excerpts for a card and human character positions. */

const RADIUS = 12;

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/**
 * A short piece of `original` around [start, end): up to `radius` code units either side, never across a line break
 * and never splitting a surrogate pair at its edges. Always a substring of `original`.
 */
export function excerptOf(original: string, start: number, end: number, radius = RADIUS): string {
  const n = original.length;
  if (n === 0) return '';
  let s = Math.max(0, Math.min(start, n));
  let e = Math.max(s, Math.min(end, n));
  const lo = Math.max(0, s - radius);
  while (s > lo) {
    const c = original.charCodeAt(s - 1);
    if (c === 0x0a || c === 0x0d) break;
    s -= 1;
  }
  const hi = Math.min(n, e + radius);
  while (e < hi) {
    const c = original.charCodeAt(e);
    if (c === 0x0a || c === 0x0d) break;
    e += 1;
  }
  // do not start on the low half, or end after the high half, of a surrogate pair
  if (s > 0 && s < n && isLow(original.charCodeAt(s)) && isHigh(original.charCodeAt(s - 1))) s += 1;
  if (e > 0 && e < n && isHigh(original.charCodeAt(e - 1)) && isLow(original.charCodeAt(e))) e -= 1;
  if (e < s) e = s;
  return original.slice(s, e);
}

/** 1-based character (code point) position of a UTF-16 offset, as a person counts "第N字". */
export function charPosition(original: string, offset: number): number {
  const upto = original.slice(0, Math.max(0, Math.min(offset, original.length)));
  let count = 0;
  for (let i = 0; i < upto.length; i++) {
    const c = upto.charCodeAt(i);
    if (isHigh(c) && i + 1 < upto.length && isLow(upto.charCodeAt(i + 1))) i += 1;
    count += 1;
  }
  return count + 1;
}
