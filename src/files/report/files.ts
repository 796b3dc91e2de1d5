/**
 * The report's files: the chart (PNG), the 通报 draft (.docx) and every account's indicators (.xlsx). `/通报` stores
 * them (Store.files, through Services.reportFiles) and answers with `image` / `file` blocks; the CLI writes them to a
 * folder. Node only (the chart reads its font from node_modules): never bundled into the Worker.
 */
import type { Report } from '../../domain/report.js';
import type { ReportFile } from '../../ports/report.js';
import { chartPng } from './chart.js';
import { reportDocx } from './docx.js';
import { reportXlsx } from './xlsx.js';

export const MIME = {
  png: 'image/png',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

/** The three files of a report (a unit's page gives that unit's files), chart first. */
export async function reportFiles(r: Report): Promise<ReportFile[]> {
  const base = `${r.quarter}政务新媒体检查通报${r.units.length === 1 && r.overall.units > 1 ? `-${r.units[0]!.unitName}` : ''}`;
  const [png, docx, xlsx] = await Promise.all([chartPng(r), reportDocx(r), reportXlsx(r)]);
  return [
    { name: `${base}-图表.png`, mime: MIME.png, bytes: png },
    { name: `${base}（${r.issued ? '正式' : '草稿'}）.docx`, mime: MIME.docx, bytes: docx },
    { name: `${base}-账号指标明细.xlsx`, mime: MIME.xlsx, bytes: xlsx },
  ];
}
