/**
 * The report's files: the chart (PNG), the 通报 draft (.docx) and every account's indicators (.xlsx). A chat command
 * stores them (Store.files) and answers with `image` / `file` blocks (`attachmentBlocks`); the CLI writes them to a
 * folder.
 */
import type { Block } from '../../../domain/reply.js';
import { quarterName, type Report } from '../../../domain/report.js';
import { chartPng } from './chart.js';
import { reportDocx } from './docx.js';
import { reportXlsx } from './xlsx.js';

export interface ReportFile {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

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

/** The reply blocks for stored files (ids from Store.nextId('file')), in the order of `reportFiles`. */
export function attachmentBlocks(r: Report, files: readonly { fileId: number; name: string; mime: string }[]): Block[] {
  return files.map((f) =>
    f.mime.startsWith('image/')
      ? { type: 'image', fileId: f.fileId, alt: `${quarterName(r.quarter)}单位得分排名与“僵尸”账号变化` }
      : { type: 'file', fileId: f.fileId, name: f.name },
  );
}
