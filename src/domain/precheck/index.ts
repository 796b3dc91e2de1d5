/**
 * The automatic pre-check of review content (先审后发: the findings shown on the approval card; README "Content review").
 *
 * `precheck` runs on the title, text and link of every review request and returns findings for the approval card:
 * forbidden and sensitive words by category, 异形词 (GF 1001-2001), links off the allow-list, IP and short links,
 * and the customer's own banned expressions and leaders' names/titles. Findings warn; they never block.
 *
 * Pure TypeScript, no I/O: word lists are JSON modules, matchers are built lazily once per isolate. Runs on Node and
 * Cloudflare Workers. Never throws on any string input.
 */
import { findBanned, findLeaders } from './custom.js';
import { charPosition, excerptOf } from './excerpt.js';
import { checkLinksInText, explicitLinkUrl, judgeUrl, linkMessage, normalizeAllowList } from './links.js';
import { foldText, joinHan, type Normalized, toOriginal, toSimplified } from './normalize.js';
import type { Finding, FindingCategory, FindingField, PrecheckInput, PrecheckOptions } from './types.js';
import { CATEGORY_LABEL, findForbidden, findVariants } from './words.js';

export type {
  Finding,
  FindingCategory,
  FindingField,
  FindingSeverity,
  LeaderEntry,
  PrecheckInput,
  PrecheckOptions,
} from './types.js';
export { DEFAULT_ALLOW_DOMAINS } from './links.js';
export { listSizes } from './words.js';

/**
 * Fields longer than this are checked only up to this many UTF-16 code units (a government post is a few thousand
 * characters; this bounds the cost of absurd input).
 */
export const MAX_FIELD_LENGTH = 200_000;

/** de-duplication keeps the first category in this order when one word at one place is in several lists */
const CATEGORY_ORDER: readonly FindingCategory[] = [
  'gambling',
  'pornography',
  'spam',
  'advertising',
  'link',
  'custom',
  'leader',
  'variant',
];
const FIELD_ORDER: Readonly<Record<FindingField, number>> = { title: 0, text: 1, link: 2 };

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function list(v: unknown): readonly unknown[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/** "（原文「賭·博」）" when what was written differs from the list word, so the approver sees the disguise */
function writtenAs(original: string, start: number, end: number, word: string): string {
  const written = original.slice(start, end);
  return written && written !== word && written.length <= 40 ? `（原文「${written}」）` : '';
}

/** run one stage of the check; a bug in one stage must not take the whole pre-check (and the approval card) down */
function safely(out: Finding[], stage: () => Finding[]): void {
  try {
    out.push(...stage());
  } catch {
    // deliberately swallowed: the pre-check only warns, and the other stages still report
  }
}

function checkProse(
  field: 'title' | 'text',
  original: string,
  options: PrecheckOptions,
  allow: readonly string[],
): Finding[] {
  const out: Finding[] = [];
  if (original.length === 0) return out;
  const folded: Normalized = foldText(original);
  const full: Normalized = toSimplified(joinHan(folded));

  const make = (
    n: Normalized,
    s: number,
    e: number,
    f: Omit<Finding, 'field' | 'start' | 'end' | 'excerpt'>,
  ): Finding => {
    const o = toOriginal(n, s, e);
    return { ...f, field, start: o.start, end: o.end, excerpt: excerptOf(original, o.start, o.end) };
  };

  safely(out, () =>
    findForbidden(full).map((h) => {
      const { category, word } = h.entry.data;
      const o = toOriginal(full, h.start, h.end);
      return make(full, h.start, h.end, {
        category,
        severity: 'warning',
        word,
        message: `疑似${CATEGORY_LABEL[category]}「${word}」${writtenAs(original, o.start, o.end, word)}`,
      });
    }),
  );

  safely(out, () =>
    findVariants(folded).map((h) => {
      const { variant, recommended } = h.entry.data;
      return make(folded, h.start, h.end, {
        category: 'variant',
        severity: 'warning',
        word: variant,
        message: `异形词「${variant}」，推荐「${recommended}」`,
        suggestion: recommended,
      });
    }),
  );

  safely(out, () =>
    checkLinksInText(folded, allow).map((l) => {
      const o = toOriginal(folded, l.start, l.end);
      return make(folded, l.start, l.end, {
        category: 'link',
        severity: 'warning',
        word: original.slice(o.start, o.end),
        ...linkMessage(l.verdict),
      });
    }),
  );

  safely(out, () =>
    findBanned(full, list(options.banned)).map((h) => {
      const { word } = h.entry.data;
      const o = toOriginal(full, h.start, h.end);
      return make(full, h.start, h.end, {
        category: 'custom',
        severity: 'warning',
        word,
        message: `命中自定义禁用词「${word}」${writtenAs(original, o.start, o.end, word)}`,
      });
    }),
  );

  safely(out, () =>
    findLeaders(full, list(options.leaders)).map((h) => {
      const expected = h.titles.join('/');
      if (h.found !== undefined || h.titles.length === 0) {
        return make(full, h.start, h.end, {
          category: 'leader',
          severity: 'info',
          word: h.name,
          message: h.found
            ? `请核对领导姓名职务排序：「${h.name}」「${h.found}」`
            : `请核对领导姓名职务排序：「${h.name}」`,
        });
      }
      return make(full, h.start, h.end, {
        category: 'leader',
        severity: 'warning',
        word: h.name,
        message: `请核对领导职务：「${h.name}」的职务应为「${expected}」`,
        suggestion: expected,
      });
    }),
  );

  return out;
}

function checkLinkField(original: string, allow: readonly string[]): Finding[] {
  const folded = foldText(original);
  const t = folded.text;
  const a = t.length - t.trimStart().length;
  const b = t.trimEnd().length;
  if (b <= a) return [];
  const trimmed = t.slice(a, b);
  const whole = toOriginal(folded, a, b);
  const finding = (s: number, e: number, f: { message: string; suggestion?: string }): Finding => ({
    category: 'link',
    severity: 'warning',
    word: original.slice(s, e),
    field: 'link',
    start: s,
    end: e,
    excerpt: excerptOf(original, s, e, 40),
    ...f,
  });

  const single = explicitLinkUrl(trimmed);
  if (single && 'scheme' in single) {
    return [finding(whole.start, whole.end, linkMessage({ kind: 'scheme', scheme: single.scheme }))];
  }
  if (single) {
    const v = judgeUrl(single.url, allow);
    return v.kind === 'ok' ? [] : [finding(whole.start, whole.end, linkMessage(v))];
  }
  // prose in the link field: check every link in it; if there is none, say the field is not a link
  const found = checkLinksInText(folded, allow);
  const anyLink = /https?:\/\/|www\.|[a-z0-9-]\.[a-z]{2,}/.test(trimmed);
  if (found.length === 0 && !anyLink) return [finding(whole.start, whole.end, linkMessage({ kind: 'invalid' }))];
  return found.map((l) => {
    const o = toOriginal(folded, l.start, l.end);
    return finding(o.start, o.end, linkMessage(l.verdict));
  });
}

function dedupeAndSort(findings: readonly Finding[]): Finding[] {
  const rank = (c: FindingCategory) => CATEGORY_ORDER.indexOf(c);
  const best = new Map<string, Finding>();
  for (const f of findings) {
    const key = `${f.field}\u0000${f.start}\u0000${f.end}\u0000${f.word}`;
    const prev = best.get(key);
    if (!prev || rank(f.category) < rank(prev.category)) best.set(key, f);
  }
  return [...best.values()].sort(
    (x, y) =>
      FIELD_ORDER[x.field] - FIELD_ORDER[y.field] ||
      x.start - y.start ||
      x.end - y.end ||
      rank(x.category) - rank(y.category) ||
      (x.word < y.word ? -1 : x.word > y.word ? 1 : 0),
  );
}

/**
 * Check a review request. Returns findings de-duplicated and sorted by field (title, text, link) then position;
 * offsets are UTF-16 offsets into the original strings. Never throws.
 */
export function precheck(input: PrecheckInput, options?: PrecheckOptions): Finding[] {
  const out: Finding[] = [];
  try {
    const opts: PrecheckOptions = options && typeof options === 'object' ? options : {};
    const src: Partial<PrecheckInput> = input && typeof input === 'object' ? input : {};
    const allow = normalizeAllowList(list(opts.allowDomains));
    const title = str(src.title).slice(0, MAX_FIELD_LENGTH);
    const text = str(src.text).slice(0, MAX_FIELD_LENGTH);
    const link = str(src.link).slice(0, MAX_FIELD_LENGTH);
    safely(out, () => checkProse('title', title, opts, allow));
    safely(out, () => checkProse('text', text, opts, allow));
    safely(out, () => checkLinkField(link, allow));
  } catch {
    // unreachable in practice (every stage is guarded); kept so the contract "never throws" holds
  }
  return dedupeAndSort(out);
}

const FIELD_LABEL: Readonly<Record<FindingField, string>> = { title: '标题', text: '正文', link: '链接' };

export interface SummaryOptions {
  /** the most lines of findings (default 8); the rest are counted in a final "…另有 N 处" line */
  max?: number;
  /** the checked input, to count positions in characters (code points) rather than UTF-16 units */
  input?: PrecheckInput;
}

/**
 * Short Chinese lines for a card, e.g. "⚠ 正文第12字：疑似赌博用语「博彩」". Warnings come before notices; at most
 * `max` lines, then "…另有 N 处". Never throws.
 */
export function summarizeFindings(findings: readonly Finding[], options?: SummaryOptions): string[] {
  try {
    const all: readonly Finding[] = Array.isArray(findings) ? findings : [];
    if (all.length === 0) return [];
    const max = Math.max(1, Math.floor(options?.max ?? 8));
    const ordered = [...all.filter((f) => f.severity !== 'info'), ...all.filter((f) => f.severity === 'info')];
    const lines = ordered.slice(0, max).map((f) => {
      const icon = f.severity === 'info' ? 'ℹ' : '⚠';
      const label = FIELD_LABEL[f.field] ?? '';
      let where = label;
      if (f.field !== 'link') {
        const original = f.field === 'title' ? options?.input?.title : options?.input?.text;
        const pos = typeof original === 'string' ? charPosition(original, f.start) : f.start + 1;
        where = `${label}第${pos}字`;
      }
      return `${icon} ${where}：${f.message}`;
    });
    const rest = ordered.length - lines.length;
    if (rest > 0) lines.push(`…另有 ${rest} 处`);
    return lines;
  } catch {
    return [];
  }
}
