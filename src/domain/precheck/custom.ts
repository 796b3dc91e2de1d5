/**
 * Customer-maintained lists (an admin maintains them with a chat command elsewhere): banned expressions and leaders'
 * names with their correct titles. Entries are normalized exactly like the text. Matchers for the banned list are
 * cached by content, so the same customer's list is compiled once, not on every review.
 */
import { compile, type CompiledMatcher, dropContained, type Hit, searchAll } from './matcher.js';
import { normalizeWord, type Normalized } from './normalize.js';
import type { LeaderEntry } from './types.js';

export interface BannedData {
  /** the expression as the admin wrote it */
  word: string;
}

const CACHE_MAX = 16;
const bannedCache = new Map<string, CompiledMatcher<BannedData>>();

function bannedMatcher(banned: readonly unknown[]): CompiledMatcher<BannedData> {
  const entries: { pattern: string; data: BannedData }[] = [];
  const seen = new Set<string>();
  for (const raw of banned) {
    if (typeof raw !== 'string') continue;
    const word = raw.trim();
    const pattern = normalizeWord(word);
    if (!pattern || seen.has(pattern)) continue;
    seen.add(pattern);
    entries.push({ pattern, data: { word } });
  }
  const key = entries.map((e) => e.pattern).join('\u0000');
  const cached = bannedCache.get(key);
  if (cached) return cached;
  const m = compile(entries);
  if (bannedCache.size >= CACHE_MAX) {
    const oldest = bannedCache.keys().next().value;
    if (oldest !== undefined) bannedCache.delete(oldest);
  }
  bannedCache.set(key, m);
  return m;
}

export function findBanned(n: Normalized, banned: readonly unknown[] | undefined): Hit<BannedData>[] {
  if (!banned || banned.length === 0 || n.text.length === 0) return [];
  return dropContained(searchAll(bannedMatcher(banned), n.text));
}

/** how far (normalized characters) either side of a leader's name the title is looked for */
export const LEADER_WINDOW = 12;
/** clause punctuation (after NFKC, full-width ，；！？ are ASCII); 、 is not one: 县委副书记、县长王建国 */
const CLAUSE_END = /[,;!?。；！？\n\r]/;

export interface LeaderHit {
  /** offsets into the normalized text */
  start: number;
  end: number;
  /** the name as the admin wrote it */
  name: string;
  /** the correct titles for this name (one person may be listed with several) */
  titles: string[];
  /** the title found near the name, if any */
  found?: string;
}

interface LeaderGroup {
  name: string;
  pattern: string;
  titles: { title: string; pattern: string }[];
}

function groupLeaders(leaders: readonly unknown[]): LeaderGroup[] {
  const groups = new Map<string, LeaderGroup>();
  for (const raw of leaders) {
    if (!raw || typeof raw !== 'object') continue;
    const { name, title } = raw as Partial<LeaderEntry>;
    if (typeof name !== 'string') continue;
    const pattern = normalizeWord(name);
    if (!pattern) continue;
    let g = groups.get(pattern);
    if (!g) {
      g = { name: name.trim(), pattern, titles: [] };
      groups.set(pattern, g);
    }
    if (typeof title === 'string') {
      const tp = normalizeWord(title);
      if (tp && !g.titles.some((t) => t.pattern === tp)) g.titles.push({ title: title.trim(), pattern: tp });
    }
  }
  return [...groups.values()];
}

function indexesOf(text: string, pattern: string): number[] {
  const out: number[] = [];
  let i = text.indexOf(pattern);
  while (i >= 0) {
    out.push(i);
    i = text.indexOf(pattern, i + pattern.length);
  }
  return out;
}

/**
 * A title occurrence counts only as itself: 县长 inside 副县长 or 县长助理 is a different post, so it does not confirm
 * the title 县长.
 */
function titleNear(text: string, from: number, to: number, title: string): boolean {
  let i = text.indexOf(title, from);
  while (i >= 0 && i + title.length <= to) {
    const before = text.charAt(i - 1);
    const wrongPrefix = i > 0 && (before === '副' || before === '代') && !title.startsWith(before);
    const wrongSuffix = text.startsWith('助理', i + title.length) && !title.endsWith('助理');
    if (!wrongPrefix && !wrongSuffix) return true;
    i = text.indexOf(title, i + 1);
  }
  return false;
}

export function findLeaders(n: Normalized, leaders: readonly unknown[] | undefined): LeaderHit[] {
  if (!leaders || leaders.length === 0 || n.text.length === 0) return [];
  const text = n.text;
  const groups = groupLeaders(leaders);
  // all name occurrences; a shorter name inside a longer listed name (王建 in 王建国) belongs to the longer one
  const raw: Hit<LeaderGroup>[] = [];
  for (const g of groups) {
    for (const i of indexesOf(text, g.pattern))
      raw.push({ start: i, end: i + g.pattern.length, entry: { pattern: g.pattern, data: g } });
  }
  const out: LeaderHit[] = [];
  const hits = dropContained(raw);
  hits.forEach((h, k) => {
    const g = h.entry.data;
    // the title is looked for within LEADER_WINDOW characters, inside the same clause, and not past the
    // neighbouring leader's name (in "县长王建国、副县长李明" the first 县长 belongs to 王建国, not to 李明)
    let from = Math.max(0, h.start - LEADER_WINDOW, hits[k - 1]?.end ?? 0);
    let to = Math.min(text.length, h.end + LEADER_WINDOW, hits[k + 1]?.start ?? text.length);
    for (let i = h.start - 1; i >= from; i--) {
      if (CLAUSE_END.test(text.charAt(i))) {
        from = i + 1;
        break;
      }
    }
    for (let i = h.end; i < to; i++) {
      if (CLAUSE_END.test(text.charAt(i))) {
        to = i;
        break;
      }
    }
    const found = g.titles.find((t) => titleNear(text, from, to, t.pattern));
    out.push({
      start: h.start,
      end: h.end,
      name: g.name,
      titles: g.titles.map((t) => t.title),
      ...(found ? { found: found.title } : {}),
    });
  });
  return out;
}
