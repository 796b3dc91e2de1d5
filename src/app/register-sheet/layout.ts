/**
 * The spreadsheet layouts: the 责任人员名单 of the 兴国 notice's 附件 (title, 报送单位, 填报日期, then 政务新媒体名称 | 联络员
 * (姓名 职务 联系电话) | 信息员 (姓名 职务 联系电话) | 备注, here with a 平台 column after the name), and the register's
 * own 台账 sheet with one row per account.
 */

export const ROSTER_TITLE = '政务新媒体责任人员名单';
export const REGISTER_SHEET = '台账';
/** The largest file accepted for import (bytes). */
export const MAX_SHEET_FILE_BYTES = 5 * 1024 * 1024;
export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The 台账 sheet's columns, in order: label, width (characters), kind. */
export const REGISTER_COLUMNS = [
  { key: 'unit', label: '单位', width: 24 },
  { key: 'platform', label: '平台', width: 12 },
  { key: 'name', label: '名称', width: 22 },
  { key: 'externalId', label: '账号ID', width: 18 },
  { key: 'url', label: '链接', width: 30 },
  { key: 'status', label: '状态', width: 8 },
  { key: 'openedOn', label: '开设日期', width: 12 },
  { key: 'operation', label: '运营方式', width: 10 },
  { key: 'operatorName', label: '运营单位', width: 20 },
  { key: 'liaisonName', label: '联络员', width: 12 },
  { key: 'liaisonTitle', label: '联络员职务', width: 14 },
  { key: 'liaisonPhone', label: '联络员电话', width: 15 },
  { key: 'officerName', label: '信息员', width: 12 },
  { key: 'officerTitle', label: '信息员职务', width: 14 },
  { key: 'officerPhone', label: '信息员电话', width: 15 },
  { key: 'lastPostAt', label: '最近更新', width: 17 },
  { key: 'idleDays', label: '距今天数', width: 9 },
  { key: 'filing', label: '备案号', width: 9 },
  { key: 'note', label: '备注', width: 30 },
] as const;

export type RegisterColumnKey = (typeof REGISTER_COLUMNS)[number]['key'];

/** The per-unit 责任人员名单 sheet: columns A–I; rows 1 title, 2 报送单位/填报日期, 3–4 the two-row header, data from 5. */
export const ROSTER_COLUMNS = [
  { label: '政务新媒体名称', width: 24 },
  { label: '平台', width: 12 },
  { label: '姓名', width: 12 },
  { label: '职务', width: 16 },
  { label: '联系电话', width: 15 },
  { label: '姓名', width: 12 },
  { label: '职务', width: 16 },
  { label: '联系电话', width: 15 },
  { label: '备注', width: 30 },
] as const;
export const ROSTER_HEADER_ROW = 3;
export const ROSTER_FIRST_DATA_ROW = 5;

/** Excel's sheet-name rules: at most 31 characters, none of []:*?/\, unique (case-insensitively). */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base =
    wanted
      .replace(/[[\]:*?/\\]/g, '_')
      .replace(/^'+|'+$/g, '')
      .slice(0, 31) || '单位';
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, 31 - String(i).length - 1)}_${i}`;
  taken.add(name.toLowerCase());
  return name;
}
