/** Looking commands up by their Chinese words or English aliases. */
import type { Registry } from './dispatch.js';
import type { CommandSpec } from './types.js';

export function createRegistry(specs: readonly CommandSpec[]): Registry {
  const names = (s: CommandSpec): (readonly string[])[] => [s.path, ...s.aliases];
  // Indexes by the lowercased words, built once: the first command in the list that has a name wins, as a scan would.
  const two = new Map<string, CommandSpec>();
  const one = new Map<string, CommandSpec>();
  const groups = new Map<string, CommandSpec[]>();
  for (const s of specs) {
    const seen = new Set<string>();
    for (const n of names(s)) {
      const first = n[0]!.toLowerCase();
      if (n.length === 2) {
        const key = `${first}\u0000${n[1]!.toLowerCase()}`;
        if (!two.has(key)) two.set(key, s);
      }
      if (n.length === 1 && !one.has(first)) one.set(first, s);
      if (!seen.has(first)) {
        seen.add(first);
        const g = groups.get(first);
        if (g) g.push(s);
        else groups.set(first, [s]);
      }
    }
  }
  return {
    all: () => specs,
    find(first, positional) {
      const head = first.toLowerCase();
      const second = positional[0];
      if (second !== undefined) {
        const s = two.get(`${head}\u0000${second.toLowerCase()}`);
        if (s) return { spec: s, consumed: 1 };
      }
      const s = one.get(head);
      if (s) return { spec: s, consumed: 0 };
      const group = groups.get(head);
      if (group) {
        return {
          group: group[0]!.path[0]!,
          subcommands: [...new Set(group.map((g) => g.path[1]).filter((x): x is string => x !== undefined))],
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
