/** The register spreadsheet format, as the port commands use (src/ports/sheets.ts). */
import type { RegisterSheetFormat } from '../../ports/sheets.js';
import { buildRegisterWorkbook } from './export.js';
import { XLSX_MIME } from './layout.js';
import { MAX_SHEET_FILE_BYTES, readRegisterWorkbook } from './read.js';

export const registerSheetFormat: RegisterSheetFormat = {
  maxBytes: MAX_SHEET_FILE_BYTES,
  mime: XLSX_MIME,
  build: buildRegisterWorkbook,
  read: readRegisterWorkbook,
};

export { buildRegisterWorkbook, readRegisterWorkbook, MAX_SHEET_FILE_BYTES, XLSX_MIME };
