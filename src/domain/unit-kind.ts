/**
 * The kind of a unit, as county reports group them: 乡镇/街道 (townships and sub-districts), 部门 (the government's
 * departments), 直属单位 (institutions directly under the county). Written by the admin (`/单位 新增 … 类型=部门`) or,
 * when not written, inferred from the unit's name.
 */
export type UnitKind = 'township' | 'department' | 'affiliated';

export const UNIT_KINDS: readonly UnitKind[] = ['township', 'department', 'affiliated'];

export const UNIT_KIND_NAMES: Record<UnitKind, string> = {
  township: '乡镇/街道',
  department: '部门',
  affiliated: '直属单位',
};

/** What an admin may write after 类型=. */
export const UNIT_KIND_WORDS: Readonly<Record<string, UnitKind>> = {
  乡镇: 'township',
  乡: 'township',
  镇: 'township',
  街道: 'township',
  '乡镇/街道': 'township',
  乡镇街道: 'township',
  township: 'township',
  部门: 'department',
  department: 'department',
  直属单位: 'affiliated',
  直属: 'affiliated',
  事业单位: 'affiliated',
  affiliated: 'affiliated',
};

/** 长冈乡人民政府 → township; 兴国县教育局 → department; 兴国县融媒体中心 → affiliated. */
export function inferUnitKind(name: string): UnitKind {
  if (/(乡|镇|街道)(人民政府|办事处)?$|(乡|镇)人民政府|街道办事处/.test(name)) return 'township';
  if (/(中心|院|站|所|队|馆|学校|医院|公司)$/.test(name)) return 'affiliated';
  return 'department';
}

/** Units in report order: by kind (乡镇/街道, 部门, 直属单位, unknown last), then as given. */
export function byUnitKind<T>(items: readonly T[], kindOf: (x: T) => UnitKind | null | undefined): T[] {
  const rank = (k: UnitKind | null | undefined): number => (k ? UNIT_KINDS.indexOf(k) : UNIT_KINDS.length);
  return items
    .map((x, i) => ({ x, i }))
    .sort((a, b) => rank(kindOf(a.x)) - rank(kindOf(b.x)) || a.i - b.i)
    .map((e) => e.x);
}
