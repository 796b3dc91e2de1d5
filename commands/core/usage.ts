/**
 * The usage line an error shows: of a command's forms (`/台账 导入 … · /台账 导入 确认 I3`) only the one the user
 * typed, and of its optional `[键=…]` parts only those the user wrote, with a pointer to the whole form in /帮助.
 */
import type { CommandSpec } from './types.js';

/** What the user typed: the words after the command's name, and the canonical keys of the key=value arguments. */
export interface Typed {
  words: readonly string[];
  keys: readonly string[];
}

const FORM_SEPARATOR = /\s+[·|]\s+(?=\/)/;
const OPTIONAL_KEY = /^\[([^\]=\s]+)=[^\]]*\]$/;

/** A usage word without its explanation in brackets: `导入（并在单聊中发送 .xlsx 文件）` → `导入`. */
const bare = (w: string): string => w.replace(/[（(].*$/, '');

/** A placeholder for an id in a usage line (`I3`, `R12`): any typed word fills it. */
const ID_PLACEHOLDER = /^[A-Z]\d+$/;

/** How many of the form's words after the command name match what was typed, in order. */
function matched(form: string, typed: readonly string[]): number {
  const words = form.split(/\s+/).slice(1);
  let n = 0;
  for (const [i, t] of typed.entries()) {
    const w = words[i];
    if (w === undefined) break;
    const alternatives = bare(w).split('|');
    if (!alternatives.includes(t) && !alternatives.some((a) => ID_PLACEHOLDER.test(a))) break;
    n++;
  }
  return n;
}

export function usageFor(spec: Pick<CommandSpec, 'usage' | 'path'>, typed: Typed | null): string {
  const forms = spec.usage.split(FORM_SEPARATOR);
  if (!typed) return spec.usage;
  let form = forms[0] ?? spec.usage;
  let best = -1;
  for (const f of forms) {
    const n = matched(f, typed.words);
    if (n > best) [form, best] = [f, n];
  }
  const used = new Set(typed.keys);
  let dropped = false;
  const kept = form.split(' ').filter((w) => {
    const key = OPTIONAL_KEY.exec(w)?.[1];
    if (key === undefined || used.has(key)) return true;
    dropped = true;
    return false;
  });
  return dropped || forms.length > 1 ? `${kept.join(' ')}（完整用法：/帮助 ${spec.path[0]}）` : form;
}
