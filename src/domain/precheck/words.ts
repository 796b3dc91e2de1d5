/**
 * Built-in word lists: forbidden/sensitive words by category and 异形词 (non-standard word forms). Each list is turned
 * into one Aho–Corasick matcher the first time it is needed and cached for the life of the module (isolate).
 */
import advertising from './data/advertising.json' with { type: 'json' };
import gambling from './data/gambling.json' with { type: 'json' };
import pornography from './data/pornography.json' with { type: 'json' };
import spam from './data/spam.json' with { type: 'json' };
import variants from './data/variants.json' with { type: 'json' };
import {
  asciiBoundaryOk,
  compile,
  type CompiledMatcher,
  dropContained,
  type Entry,
  type Hit,
  searchAll,
} from './matcher.js';
import { foldWord, normalizeWord, type Normalized } from './normalize.js';

export type WordCategory = 'advertising' | 'gambling' | 'pornography' | 'spam';

export interface WordData {
  category: WordCategory;
  /** the list word as written in the data file */
  word: string;
}

export interface VariantData {
  variant: string;
  recommended: string;
}

interface WordList {
  words: readonly string[];
  exceptions?: Readonly<Record<string, readonly string[]>>;
}

export const CATEGORY_LABEL: Readonly<Record<WordCategory, string>> = {
  advertising: '违规广告用语',
  gambling: '赌博用语',
  pornography: '色情用语',
  spam: '垃圾信息或违法引流用语',
};

const LISTS: readonly (readonly [WordCategory, WordList])[] = [
  ['gambling', gambling],
  ['pornography', pornography],
  ['spam', spam],
  ['advertising', advertising],
];

function forbiddenEntries(): Entry<WordData>[] {
  const out: Entry<WordData>[] = [];
  for (const [category, list] of LISTS) {
    for (const word of list.words) {
      const pattern = normalizeWord(word);
      if (!pattern) continue;
      const ex = (list.exceptions?.[word] ?? []).map(normalizeWord).filter((x) => x.includes(pattern));
      out.push({ pattern, data: { category, word }, exceptions: ex });
    }
  }
  return out;
}

function variantEntries(): Entry<VariantData>[] {
  const out: Entry<VariantData>[] = [];
  for (const p of variants.pairs as readonly {
    variant: string;
    recommended: string;
    exceptions?: readonly string[];
  }[]) {
    const pattern = foldWord(p.variant);
    if (!pattern) continue;
    const ex = (p.exceptions ?? []).map(foldWord).filter((x) => x.includes(pattern));
    out.push({ pattern, data: { variant: p.variant, recommended: p.recommended }, exceptions: ex });
  }
  return out;
}

let forbiddenCache: CompiledMatcher<WordData> | undefined;
let variantCache: CompiledMatcher<VariantData> | undefined;

export function forbiddenMatcher(): CompiledMatcher<WordData> {
  forbiddenCache ??= compile(forbiddenEntries());
  return forbiddenCache;
}

export function variantMatcher(): CompiledMatcher<VariantData> {
  variantCache ??= compile(variantEntries());
  return variantCache;
}

/** Forbidden-word hits in fully normalized text; a word inside a longer hit (赌场 in 网上赌场) is dropped. */
export function findForbidden(n: Normalized): Hit<WordData>[] {
  const hits = searchAll(forbiddenMatcher(), n.text).filter((h) => asciiBoundaryOk(n.text, h));
  return dropContained(hits);
}

/** 异形词 hits in folded (stage 1) text. */
export function findVariants(folded: Normalized): Hit<VariantData>[] {
  return dropContained(searchAll(variantMatcher(), folded.text));
}

/** Sizes of the built-in lists, for diagnostics and the README. */
export function listSizes(): Record<WordCategory | 'variant', number> {
  return {
    advertising: advertising.words.length,
    gambling: gambling.words.length,
    pornography: pornography.words.length,
    spam: spam.words.length,
    variant: variants.pairs.length,
  };
}
