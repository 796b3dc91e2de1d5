/**
 * Bounds on a JSON text checked before it is parsed, so an unauthenticated body cannot make the parser or anything
 * that walks the result recurse without end. One linear scan; strings (with escapes) are skipped.
 */

/** The deepest nesting of objects and arrays a platform body legitimately has is well under this. */
export const MAX_JSON_DEPTH = 32;

/** Does `text`'s nesting of `{`/`[` stay at or below `max`? (Malformed JSON may pass; JSON.parse still judges it.) */
export function jsonDepthWithin(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/** JSON.parse behind the depth bound: the value, or null for too deep or malformed. Never throws. */
export function parseBoundedJson(
  text: string,
  max = MAX_JSON_DEPTH,
): { ok: true; value: unknown } | { ok: false; reason: 'too deep' | 'malformed JSON' } {
  if (!jsonDepthWithin(text, max)) return { ok: false, reason: 'too deep' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
}
