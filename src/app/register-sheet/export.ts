/**
 * The register as an .xlsx (exceljs): one 台账 sheet with every account, then one 责任人员名单 sheet per unit in the
 * 兴国 附件's layout. Column widths, frozen headers, real dates, Chinese sheet names. The data comes in ready to show:
 * phone numbers are already masked or not by the caller.
 */
import ExcelJS from 'exceljs';
import type { DateStr } from '../../domain/time.js';
import type { RegisterSheetData, SheetUnit } from '../../ports/sheets.js';
import {
  REGISTER_COLUMNS,
  REGISTER_SHEET,
  type RegisterColumnKey,
  ROSTER_COLUMNS,
  ROSTER_FIRST_DATA_ROW,
  ROSTER_HEADER_ROW,
  ROSTER_TITLE,
  sheetName,
} from './layout.js';

const SHANGHAI_MS = 8 * 3_600_000;
/** A calendar day as an Excel date (exceljs writes a Date's UTC fields). */
const excelDate = (d: DateStr): Date => new Date(`${d}T00:00:00Z`);
/** An instant as Shanghai wall time. */
const excelDateTime = (t: Date): Date => new Date(t.getTime() + SHANGHAI_MS);
const joined = (xs: (string | null)[]): string => (xs.some((x) => x) ? xs.map((x) => x ?? '').join('、') : '');
const chineseDate = (d: DateStr): string =>
  `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

const thin: Partial<ExcelJS.Border> = { style: 'thin', color: { argb: 'FF999999' } };
const BORDER: Partial<ExcelJS.Borders> = { top: thin, left: thin, bottom: thin, right: thin };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };

function styleHeader(cell: ExcelJS.Cell): void {
  cell.font = { bold: true };
  cell.fill = HEADER_FILL;
  cell.border = BORDER;
  cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
}

function registerSheet(wb: ExcelJS.Workbook, name: string, data: RegisterSheetData): void {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }] });
  ws.columns = REGISTER_COLUMNS.map((c) => ({ header: c.label, key: c.key, width: c.width }));
  ws.getRow(1).eachCell((c) => styleHeader(c));
  ws.getRow(1).height = 20;
  for (const u of data.units) {
    const l = u.liaisons;
    for (const a of u.accounts) {
      const values: Record<RegisterColumnKey, ExcelJS.CellValue> = {
        unit: u.name,
        platform: a.platform,
        name: a.name,
        externalId: a.externalId,
        url: a.url ? { text: a.url, hyperlink: a.url } : null,
        status: a.status,
        openedOn: a.openedOn ? excelDate(a.openedOn) : null,
        operation: a.operation,
        operatorName: a.operatorName,
        liaisonName: joined(l.map((p) => p.name)) || null,
        liaisonTitle: joined(l.map((p) => p.title)) || null,
        liaisonPhone: joined(l.map((p) => p.phone)) || null,
        officerName: a.officer?.name ?? null,
        officerTitle: a.officer?.title ?? null,
        officerPhone: a.officer?.phone ?? null,
        lastPostAt: a.lastPostAt ? excelDateTime(a.lastPostAt) : null,
        idleDays: a.idleDays,
        filing: a.filing,
        note: a.note,
      };
      const row = ws.addRow(values);
      row.getCell('openedOn').numFmt = 'yyyy-mm-dd';
      row.getCell('lastPostAt').numFmt = 'yyyy-mm-dd hh:mm';
      for (const k of ['liaisonPhone', 'officerPhone', 'externalId'] as const) row.getCell(k).numFmt = '@';
      row.eachCell({ includeEmpty: true }, (c) => (c.border = BORDER));
    }
  }
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: REGISTER_COLUMNS.length } };
}

function rosterSheet(wb: ExcelJS.Workbook, name: string, u: SheetUnit, date: DateStr): void {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: ROSTER_FIRST_DATA_ROW - 1 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = ROSTER_COLUMNS.map((c) => ({ width: c.width }));
  const last = ROSTER_COLUMNS.length;
  ws.mergeCells(1, 1, 1, last);
  const title = ws.getCell(1, 1);
  title.value = ROSTER_TITLE;
  title.font = { bold: true, size: 16 };
  title.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 30;
  ws.mergeCells(2, 1, 2, 5);
  ws.getCell(2, 1).value = `报送单位：${u.name}`;
  ws.mergeCells(2, 6, 2, last);
  ws.getCell(2, 6).value = `填报日期：${chineseDate(date)}`;
  ws.getCell(2, 6).alignment = { horizontal: 'right' };
  const h = ROSTER_HEADER_ROW;
  ws.mergeCells(h, 1, h + 1, 1);
  ws.getCell(h, 1).value = '政务新媒体名称';
  ws.mergeCells(h, 2, h + 1, 2);
  ws.getCell(h, 2).value = '平台';
  ws.mergeCells(h, 3, h, 5);
  ws.getCell(h, 3).value = '联络员';
  ws.mergeCells(h, 6, h, 8);
  ws.getCell(h, 6).value = '信息员';
  ws.mergeCells(h, 9, h + 1, 9);
  ws.getCell(h, 9).value = '备注';
  ROSTER_COLUMNS.forEach((c, i) => {
    if (i >= 2 && i <= 7) ws.getCell(h + 1, i + 1).value = c.label;
  });
  for (const r of [h, h + 1]) for (let c = 1; c <= last; c++) styleHeader(ws.getCell(r, c));
  const l = u.liaisons;
  u.accounts.forEach((a, i) => {
    const row = ws.getRow(ROSTER_FIRST_DATA_ROW + i);
    row.values = [
      a.name,
      a.platform,
      joined(l.map((p) => p.name)) || null,
      joined(l.map((p) => p.title)) || null,
      joined(l.map((p) => p.phone)) || null,
      a.officer?.name ?? null,
      a.officer?.title ?? null,
      a.officer?.phone ?? null,
      a.note,
    ];
    for (const c of [5, 8]) row.getCell(c).numFmt = '@';
    for (let c = 1; c <= last; c++) {
      const cell = row.getCell(c);
      cell.border = BORDER;
      cell.alignment = { vertical: 'middle', wrapText: true };
    }
  });
}

/** The workbook as .xlsx bytes. */
export async function buildRegisterWorkbook(data: RegisterSheetData): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '政务新媒体助手';
  wb.created = data.now;
  wb.modified = data.now;
  const taken = new Set<string>();
  registerSheet(wb, sheetName(REGISTER_SHEET, taken), data);
  for (const u of data.units) rosterSheet(wb, sheetName(u.name, taken), u, data.date);
  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}
