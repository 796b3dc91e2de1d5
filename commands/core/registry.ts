/** Looking commands up by their Chinese words or English aliases. */
import type { Registry } from './dispatch.js';
import type { CommandSpec } from './types.js';

export function createRegistry(specs: readonly CommandSpec[]): Registry {
  const names = (s: CommandSpec): (readonly string[])[] => [s.path, ...s.aliases];
  const eq = (a: string, b: string | undefined): boolean => b !== undefined && a.toLowerCase() === b.toLowerCase();
  return {
    all: () => specs,
    find(first, positional) {
      const second = positional[0];
      for (const s of specs) {
        for (const n of names(s))
          if (n.length === 2 && eq(n[0]!, first) && eq(n[1]!, second)) return { spec: s, consumed: 1 };
      }
      for (const s of specs)
        for (const n of names(s)) if (n.length === 1 && eq(n[0]!, first)) return { spec: s, consumed: 0 };
      const group = specs.filter((s) => names(s).some((n) => eq(n[0]!, first)));
      if (group.length > 0) {
        return {
          group: group[0]!.path[0]!,
          subcommands: [...new Set(group.map((s) => s.path[1]).filter((x): x is string => x !== undefined))],
        };
      }
      return null;
    },
    suggest(word) {
      const w = word.toLowerCase();
      const out = new Set<string>();
      for (const s of specs) {
        for (const n of names(s)) {
          const head = n[0]!.toLowerCase();
          if (head.includes(w) || w.includes(head) || (w.length > 0 && head[0] === w[0])) out.add(s.path[0]!);
        }
      }
      return [...out].slice(0, 4);
    },
  };
}
