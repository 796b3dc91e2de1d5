/**
 * Reading a register spreadsheet someone sent: the register's own 台账 sheet (an export re-imports as it was), or
 * 责任人员名单 sheets as units fill them in (the 兴国 附件: a title, 报送单位, 填报日期, a one- or two-row header with
 * 政务新媒体名称 | 联络员 | 职务 | 联系电话 | 信息员 | 职务 | 联系电话 | 备注, an optional 平台 column, merged and blank
 * rows). Only raw cell texts come out; what they mean is planned in src/domain/roster.ts.
 *
 * The file is untrusted: size, zip structure and inflated size are checked before exceljs sees it (zip-guard.ts),
 * then sheet, row and column counts; anything wrong is a SheetError with a short Chinese message.
 */
import ExcelJS from 'exceljs';
import {
  type ParsedRoster,
  ROSTER_LIMITS,
  type RosterPeopleCells,
  type RosterProblem,
  type RosterRow,
} from '../../domain/roster.js';
import { SheetError } from '../../ports/sheets.js';
import { MAX_SHEET_FILE_BYTES, REGISTER_COLUMNS, REGISTER_SHEET, type RegisterColumnKey } from './layout.js';
import { checkZip, ZipGuardError } from './zip-guard.js';

const norm = (s: string): string => s.replace(/[\u3000\s]+/g, '');

/** The text of a cell's value, whatever its type. */
function valueText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return v ? '是' : '否';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((t) => t.text ?? '').join('');
    if ('hyperlink' in v) return typeof v.text === 'string' ? v.text : valueText(v.text as ExcelJS.CellValue);
    if ('formula' in v || 'sharedFormula' in v) return valueText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('error' in v) return '';
  }
  return '';
}

/** A cell's text; in a merged range, the range's value (`own`: only the top-left cell has it). */
function cellText(ws: ExcelJS.Worksheet, row: number, col: number, own = false): string {
  const cell = ws.getCell(row, col);
  const master = cell.isMerged ? cell.master : cell;
  if (own && master.address !== cell.address) return '';
  return valueText(master.value).slice(0, ROSTER_LIMITS.cellChars).trim();
}

/** A date cell: a real date, a serial number, or text (left to the planner). */
function dateText(ws: ExcelJS.Worksheet, row: number, col: number): string {
  const cell = ws.getCell(row, col);
  const v = (cell.isMerged ? cell.master : cell).value;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString().slice(0, 10);
  if (typeof v === 'number' && v > 20_000 && v < 80_000)
    return new Date(Date.UTC(1899, 11, 30) + Math.round(v) * 86_400_000).toISOString().slice(0, 10);
  return cellText(ws, row, col);
}

interface Extent {
  rows: number;
  cols: number;
  /** a cell beyond the column limit holds something */
  wide: boolean;
}

/** The rows and columns actually used (exceljs' own counts include styled empty cells). */
function extent(ws: ExcelJS.Worksheet): Extent {
  let rows = 0;
  let cols = 0;
  let wide = false;
  let used = 0;
  ws.eachRow({ includeEmpty: false }, (row, n) => {
    let any = false;
    row.eachCell({ includeEmpty: false }, (cell, c) => {
      if (valueText(cell.value).trim() === '') return;
      any = true;
      if (c > ROSTER_LIMITS.columns) wide = true;
      else cols = Math.max(cols, c);
    });
    if (any) {
      rows = n;
      used++;
    }
  });
  if (used > ROSTER_LIMITS.rows)
    throw new SheetError(`工作表「${ws.name}」有 ${used} 行，超过上限 ${ROSTER_LIMITS.rows} 行，请分成几个文件发送`);
  return { rows: Math.min(rows, ROSTER_LIMITS.rows + 200), cols, wide };
}

const FOOTER = /^(抄送|印发|填表人|填报人|审核人|联系人|说明|注[:：]|备注[:：]|附件|合计|共计)/;

interface RosterColumns {
  name?: number;
  platform?: number;
  unit?: number;
  note?: number;
  liaison: Partial<Record<keyof RosterPeopleCells, number>>;
  officer: Partial<Record<keyof RosterPeopleCells, number>>;
}

/** Find the header row of a 责任人员名单 sheet and what each column holds. */
function rosterHeader(
  ws: ExcelJS.Worksheet,
  ext: Extent,
): { row: number; dataFrom: number; cols: RosterColumns } | null {
  for (let r = 1; r <= Math.min(20, ext.rows); r++) {
    const texts = Array.from({ length: ext.cols }, (_, i) => norm(cellText(ws, r, i + 1, true)));
    if (!texts.some((t) => t.includes('名称')) || !texts.some((t) => t.includes('联络员') || t.includes('信息员')))
      continue;
    const subTexts = Array.from({ length: ext.cols }, (_, i) => norm(cellText(ws, r + 1, i + 1, true)));
    const isSub = subTexts.some((t) => t === '姓名' || t === '职务' || t.includes('电话'));
    const cols: RosterColumns = { liaison: {}, officer: {} };
    let group: 'liaison' | 'officer' | null = null;
    const put = (field: keyof RosterPeopleCells, c: number): void => {
      if (group && cols[group][field] === undefined) cols[group][field] = c;
    };
    for (let c = 1; c <= ext.cols; c++) {
      const top = texts[c - 1] ?? '';
      const sub = isSub ? (subTexts[c - 1] ?? '') : '';
      if (top.includes('联络员') || top.includes('信息员')) {
        group = top.includes('联络员') ? 'liaison' : 'officer';
        if (top.includes('职务')) put('title', c);
        else if (top.includes('电话')) put('phone', c);
        else if (sub === '' || sub.includes('姓名')) put('name', c);
        else if (sub.includes('职务')) put('title', c);
        else if (sub.includes('电话')) put('phone', c);
      } else if (top.includes('名称') || top.includes('账号名')) {
        cols.name ??= c;
        group = null;
      } else if (top.includes('平台') || top.includes('类型') || top.includes('类别')) {
        cols.platform ??= c;
        group = null;
      } else if (top.includes('备注')) {
        cols.note ??= c;
        group = null;
      } else if (top.includes('单位')) {
        cols.unit ??= c;
        group = null;
      } else if (top.includes('职务')) put('title', c);
      else if (top.includes('电话')) put('phone', c);
      else if (top === '' && sub !== '') {
        if (sub.includes('姓名')) put('name', c);
        else if (sub.includes('职务')) put('title', c);
        else if (sub.includes('电话')) put('phone', c);
      }
    }
    if (cols.name === undefined) continue;
    return { row: r, dataFrom: isSub ? r + 2 : r + 1, cols };
  }
  return null;
}

/** 报送单位 above the header: "报送单位：兴国县教育局（加盖公章）　填报日期：…", or the unit in the next cell. */
function submittingUnit(ws: ExcelJS.Worksheet, headerRow: number, ext: Extent): string {
  for (let r = 1; r < headerRow; r++) {
    for (let c = 1; c <= ext.cols; c++) {
      const t = cellText(ws, r, c, true);
      const m = /报\s*送\s*单\s*位\s*[:：]?\s*(.*)$/.exec(t);
      if (!m) continue;
      let v = (m[1] ?? '')
        .replace(/填\s*报\s*日\s*期.*$/, '')
        .replace(/[(（]\s*(加盖)?\s*公\s*章\s*[)）]/g, '')
        .trim();
      if (v === '') {
        for (let d = c + 1; d <= ext.cols; d++) {
          const next = cellText(ws, r, d, true);
          if (next === '') continue;
          if (!/填\s*报\s*日\s*期/.test(next)) v = next.replace(/[(（]\s*(加盖)?\s*公\s*章\s*[)）]/g, '').trim();
          break;
        }
      }
      return v;
    }
  }
  return '';
}

/** A sheet name that can stand for the unit (not "Sheet1", "附件", "责任人员名单"). */
const unitLikeSheetName = (name: string): boolean =>
  !/^(sheet|工作表)\s*\d*$/i.test(name.trim()) && !/(名单|附件|模板|汇总|台账)/.test(name);

function readRosterSheet(ws: ExcelJS.Worksheet, ext: Extent, rows: RosterRow[], problems: RosterProblem[]): boolean {
  const header = rosterHeader(ws, ext);
  if (!header) return false;
  const { cols } = header;
  const at = (r: number, c: number | undefined): string => (c === undefined ? '' : cellText(ws, r, c));
  let unit = submittingUnit(ws, header.row, ext);
  if (unit === '' && cols.unit === undefined) {
    if (unitLikeSheetName(ws.name)) unit = ws.name.trim();
    else
      problems.push({
        sheet: ws.name,
        row: null,
        message: '没有写「报送单位」，工作表名也不是单位名称：本表各行的单位需补上',
        severity: 'error',
      });
  }
  const labels = new Set(['政务新媒体名称', '名称', '姓名', '职务', '联系电话']);
  for (let r = header.dataFrom; r <= ext.rows; r++) {
    const people = (g: RosterColumns['liaison']): RosterPeopleCells => ({
      name: at(r, g.name),
      title: at(r, g.title),
      phone: at(r, g.phone),
    });
    const row: RosterRow = {
      sheet: ws.name,
      row: r,
      unit: cols.unit !== undefined ? at(r, cols.unit) || unit : unit,
      platform: at(r, cols.platform),
      name: at(r, cols.name),
      liaison: people(cols.liaison),
      officer: people(cols.officer),
      note: at(r, cols.note),
    };
    const cells = [row.platform, row.name, row.note, ...Object.values(row.liaison), ...Object.values(row.officer)];
    if (cells.every((x) => x === '')) continue;
    if (labels.has(norm(row.name))) continue;
    if (FOOTER.test(norm(row.name)) && cells.filter((x) => x !== '').length <= 1) continue;
    if (
      row.name === '' &&
      cells.filter((x) => x !== '').length > 0 &&
      FOOTER.test(norm(cells.find((x) => x !== '') ?? ''))
    )
      continue;
    rows.push(row);
  }
  return true;
}

function readRegisterSheet(ws: ExcelJS.Worksheet, ext: Extent, rows: RosterRow[]): boolean {
  const col = new Map<RegisterColumnKey, number>();
  for (let c = 1; c <= ext.cols; c++) {
    const t = norm(cellText(ws, 1, c));
    const def = REGISTER_COLUMNS.find((d) => d.label === t);
    if (def && !col.has(def.key)) col.set(def.key, c);
  }
  if (!col.has('unit') || !col.has('platform') || !col.has('name')) return false;
  const at = (r: number, k: RegisterColumnKey): string => (col.has(k) ? cellText(ws, r, col.get(k)!) : '');
  for (let r = 2; r <= ext.rows; r++) {
    const row: RosterRow = {
      sheet: ws.name,
      row: r,
      unit: at(r, 'unit'),
      platform: at(r, 'platform'),
      name: at(r, 'name'),
      liaison: { name: at(r, 'liaisonName'), title: at(r, 'liaisonTitle'), phone: at(r, 'liaisonPhone') },
      officer: { name: at(r, 'officerName'), title: at(r, 'officerTitle'), phone: at(r, 'officerPhone') },
      note: at(r, 'note'),
      externalId: at(r, 'externalId'),
      url: col.has('url') ? urlText(ws, r, col.get('url')!) : '',
      status: at(r, 'status'),
      openedOn: col.has('openedOn') ? dateText(ws, r, col.get('openedOn')!) : '',
      operation: at(r, 'operation'),
      operatorName: at(r, 'operatorName'),
    };
    if ([row.unit, row.platform, row.name].every((x) => x === '')) continue;
    rows.push(row);
  }
  return true;
}

/** A link cell: the hyperlink's target, else the text. */
function urlText(ws: ExcelJS.Worksheet, r: number, c: number): string {
  const v = ws.getCell(r, c).value;
  if (v && typeof v === 'object' && 'hyperlink' in v && typeof v.hyperlink === 'string')
    return v.hyperlink.slice(0, 2000).trim();
  return cellText(ws, r, c);
}

/**
 * Read a register spreadsheet. A workbook with a 台账 sheet in the export's layout is read from that sheet alone
 * (the per-unit sheets repeat it); otherwise every sheet with a 责任人员名单 header is read.
 */
export async function readRegisterWorkbook(bytes: Uint8Array): Promise<ParsedRoster> {
  if (bytes.byteLength === 0) throw new SheetError('文件是空的');
  if (bytes.byteLength > MAX_SHEET_FILE_BYTES)
    throw new SheetError(
      `文件太大（${(bytes.byteLength / 1048576).toFixed(1)} MB），上限 ${MAX_SHEET_FILE_BYTES / 1048576} MB`,
    );
  try {
    await checkZip(bytes, { maxEntries: 400, maxTotalBytes: 25 * 1024 * 1024, maxEntryBytes: 20 * 1024 * 1024 });
  } catch (e) {
    if (e instanceof ZipGuardError) throw new SheetError(e.message);
    throw e;
  }
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw new SheetError('文件无法作为 Excel 表格读取（可能已损坏），请用 Excel 或 WPS 打开后另存为 .xlsx 再发送');
  }
  const sheets = wb.worksheets.filter((ws) => ws.state !== 'hidden' && ws.state !== 'veryHidden');
  if (sheets.length === 0) throw new SheetError('文件里没有工作表');
  if (sheets.length > ROSTER_LIMITS.sheets)
    throw new SheetError(`文件有 ${sheets.length} 个工作表，超过上限 ${ROSTER_LIMITS.sheets} 个`);
  const rows: RosterRow[] = [];
  const problems: RosterProblem[] = [];
  const extents = new Map(sheets.map((ws) => [ws, extent(ws)]));
  const register = sheets.find((ws) => ws.name.trim() === REGISTER_SHEET);
  if (register && readRegisterSheet(register, extents.get(register)!, rows)) {
    if (rows.length > ROSTER_LIMITS.rows)
      throw new SheetError(`文件共有 ${rows.length} 行，超过上限 ${ROSTER_LIMITS.rows} 行，请分成几个文件发送`);
    return { kind: 'register', sheets: [register.name], rows, problems };
  }
  const read: string[] = [];
  for (const ws of sheets) {
    const ext = extents.get(ws)!;
    if (ext.rows === 0) continue;
    if (ext.wide)
      problems.push({
        sheet: ws.name,
        row: null,
        message: `第 ${ROSTER_LIMITS.columns} 列以后的内容未读取`,
        severity: 'warning',
      });
    if (readRosterSheet(ws, ext, rows, problems)) read.push(ws.name);
    else
      problems.push({
        sheet: ws.name,
        row: null,
        message: '找不到表头（应有「政务新媒体名称」「联络员」「信息员」等列），本表未读取',
        severity: 'warning',
      });
    if (rows.length > ROSTER_LIMITS.rows)
      throw new SheetError(`文件共有超过 ${ROSTER_LIMITS.rows} 行，请分成几个文件发送`);
  }
  if (read.length === 0)
    throw new SheetError(
      '没有找到责任人员名单或台账：表头应有「政务新媒体名称」「联络员」「信息员」等列（或导出的「台账」工作表）',
    );
  return { kind: 'roster', sheets: read, rows, problems };
}
