/**
 * Keys written inside another key's value with full-width punctuation instead of a space:
 * `名称：长冈乡发布，开设日期：2026-11-30`. A `，` `；` `、` (or `,` `;`) followed by one of the command's own keys and a
 * separator starts a new pair (a key written twice that way is refused like any repeated key), so such a value is
 * never filed whole. Only the command's own keys split a value: "标题=春节、元旦：安全提示" stays one title.
 */
const SEP = '[=＝:：]';
const PUNCT = '[，；、,;]';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function splitEmbeddedKeys(
  named: ReadonlyMap<string, string>,
  knownKeys: readonly string[],
): { named: Map<string, string>; repeated: string[] } {
  const out = new Map<string, string>();
  const repeated: string[] = [];
  if (knownKeys.length === 0) return { named: new Map(named), repeated };
  const alt = [...knownKeys]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  const splitRe = new RegExp(`${PUNCT}\\s*(${alt})${SEP}`, 'iu');
  const put = (k: string, v: string): void => {
    if (out.has(k)) repeated.push(k);
    out.set(k, v);
  };
  for (const [key, value] of named) {
    let k = key;
    let rest = value;
    for (let guard = 0; guard < 20; guard++) {
      const m = splitRe.exec(rest);
      if (!m) break;
      put(k, rest.slice(0, m.index));
      k = m[1]!;
      rest = rest.slice(m.index + m[0].length);
    }
    put(k, rest);
  }
  return { named: out, repeated };
}
