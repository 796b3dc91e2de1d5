/** Small wording helpers shared by replies, so the same thing is said the same way everywhere. */
import type { RoleGrant } from './roles.js';
import { roleName } from './roles.js';

/** "今天", "昨天", "3 天前". */
export function daysAgo(days: number): string {
  if (days <= 0) return '今天';
  if (days === 1) return '昨天';
  return `${days} 天前`;
}

/** Join sentences with "；" without "。；": each part's final 。 is dropped, one 。 ends the whole. */
export function joinSentences(parts: readonly string[], end = '。'): string {
  const trimmed = parts.map((p) => p.trim().replace(/[。；;]+$/u, '')).filter(Boolean);
  return trimmed.length ? `${trimmed.join('；')}${end}` : '';
}

/**
 * A person's roles, grouped by unit: "联络员、信息员" when all are in their own unit; "兴国县教育局：联络员；长冈乡人民政府：
 * 联络员" when they hold roles in several units; 管理员 first.
 */
export function rolesLabel(
  p: { unitId: number | null; roles: readonly RoleGrant[] },
  unitName: (id: number) => string,
): string {
  const admin = p.roles.some((g) => g.role === 'admin');
  const byUnit = new Map<number, string[]>();
  for (const g of p.roles) {
    if (g.unitId === null) continue;
    const list = byUnit.get(g.unitId) ?? [];
    if (!list.includes(roleName(g.role))) list.push(roleName(g.role));
    byUnit.set(g.unitId, list);
  }
  const groups = [...byUnit.entries()];
  let units: string;
  if (groups.length === 0) units = '';
  else if (groups.length === 1 && groups[0]![0] === p.unitId) units = groups[0]![1].join('、');
  else units = groups.map(([id, roles]) => `${unitName(id)}：${roles.join('、')}`).join('；');
  return [admin ? '管理员' : '', units].filter(Boolean).join('；') || '—';
}
