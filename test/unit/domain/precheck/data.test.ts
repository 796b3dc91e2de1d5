import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import advertising from '../../../../src/domain/precheck/data/advertising.json' with { type: 'json' };
import gambling from '../../../../src/domain/precheck/data/gambling.json' with { type: 'json' };
import pornography from '../../../../src/domain/precheck/data/pornography.json' with { type: 'json' };
import shorteners from '../../../../src/domain/precheck/data/shorteners.json' with { type: 'json' };
import spam from '../../../../src/domain/precheck/data/spam.json' with { type: 'json' };
import variants from '../../../../src/domain/precheck/data/variants.json' with { type: 'json' };
import { normalizeWord } from '../../../../src/domain/precheck/normalize.js';

const dataDir = path.resolve(import.meta.dirname, '../../../../src/domain/precheck/data');

interface Bilingual {
  zh: string;
  en: string;
}
const files: Record<string, { source: Bilingual; licence: Bilingual }> = {
  'advertising.json': advertising,
  'gambling.json': gambling,
  'pornography.json': pornography,
  'spam.json': spam,
  'shorteners.json': shorteners,
  'variants.json': variants,
};

describe('pre-check data files', () => {
  it('every data file states its source and licence in Chinese and English, and the README describes it', () => {
    const readme = fs.readFileSync(path.join(dataDir, 'README.md'), 'utf8');
    for (const [name, f] of Object.entries(files)) {
      expect(f.source.zh.length, name).toBeGreaterThan(10);
      expect(f.source.en.length, name).toBeGreaterThan(10);
      expect(f.licence.zh.length, name).toBeGreaterThan(5);
      expect(f.licence.en.length, name).toBeGreaterThan(5);
      expect(readme, name).toContain(name);
    }
    expect(variants.source.zh).toContain('GF 1001');
    expect(
      fs
        .readdirSync(dataDir)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(Object.keys(files).sort());
  });

  it('category lists have no duplicates after normalization, and every exception contains its word', () => {
    const lists = { advertising, gambling, pornography, spam } as Record<
      string,
      { words: string[]; exceptions?: Record<string, string[]> }
    >;
    for (const [name, list] of Object.entries(lists)) {
      const normalized = list.words.map(normalizeWord);
      expect(new Set(normalized).size, name).toBe(normalized.length);
      expect(
        normalized.every((w) => w.length > 0),
        name,
      ).toBe(true);
      for (const [word, contexts] of Object.entries(list.exceptions ?? {})) {
        expect(list.words, `${name}: ${word}`).toContain(word);
        for (const c of contexts) expect(c, `${name}: ${word}`).toContain(word);
      }
    }
  });

  it('异形词 pairs: non-recommended ≠ recommended, no variant listed twice, exceptions contain the variant', () => {
    const seen = new Set<string>();
    for (const p of variants.pairs as { variant: string; recommended: string; exceptions?: string[] }[]) {
      expect(p.variant).not.toBe(p.recommended);
      expect(seen.has(p.variant), p.variant).toBe(false);
      seen.add(p.variant);
      for (const c of p.exceptions ?? []) expect(c, p.variant).toContain(p.variant);
    }
    expect(seen.size).toBeGreaterThanOrEqual(80);
    // the examples named in the brief
    const byVariant = new Map(variants.pairs.map((p) => [p.variant, p.recommended]));
    expect(byVariant.get('笔划')).toBe('笔画');
    expect(byVariant.get('案语')).toBe('按语');
    expect(byVariant.get('定单')).toBe('订单');
  });

  it('shortener domains are plain lower-case host names', () => {
    for (const d of shorteners.words) expect(d).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });
});
