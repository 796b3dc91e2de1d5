/**
 * The register spreadsheet format, as the port commands use (src/ports/sheets.ts). The spreadsheet library is loaded
 * on first use, so processes that never export or import do not pay for it at start-up.
 */
import type { RegisterSheetFormat } from '../../ports/sheets.js';
import { MAX_SHEET_FILE_BYTES, XLSX_MIME } from './layout.js';

export const registerSheetFormat: RegisterSheetFormat = {
  maxBytes: MAX_SHEET_FILE_BYTES,
  mime: XLSX_MIME,
  async build(data) {
    const { buildRegisterWorkbook } = await import('./export.js');
    return buildRegisterWorkbook(data);
  },
  async read(bytes) {
    const { readRegisterWorkbook } = await import('./read.js');
    return readRegisterWorkbook(bytes);
  },
};
