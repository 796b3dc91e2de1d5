/**
 * The register spreadsheet format (src/app/register-sheet): register data → .xlsx bytes, and .xlsx bytes → the rows
 * of a roster (what they mean is planned in src/domain/roster.ts). Commands reach it through Services.
 */
import type { ParsedRoster } from '../domain/roster.js';
import type { DateStr } from '../domain/time.js';

export interface SheetPerson {
  name: string;
  title: string | null;
  /** as it should appear in the file (full or masked) */
  phone: string | null;
}

export interface SheetAccount {
  platform: string;
  name: string;
  externalId: string | null;
  url: string | null;
  /** 正常 / 已关停 / 已注销 */
  status: string;
  openedOn: DateStr | null;
  /** 自主运营 / 委托运营 */
  operation: string;
  operatorName: string | null;
  officer: SheetPerson | null;
  lastPostAt: Date | null;
  idleDays: number | null;
  /** the opening filing, e.g. F12 */
  filing: string | null;
  note: string | null;
}

export interface SheetUnit {
  name: string;
  liaisons: SheetPerson[];
  accounts: SheetAccount[];
}

export interface RegisterSheetData {
  /** 填报日期 */
  date: DateStr;
  /** when the file was made (workbook properties) */
  now: Date;
  units: SheetUnit[];
}

/** The file can't be read as a register. `message` is short Chinese for the user; nothing was written. */
export class SheetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SheetError';
  }
}

export interface RegisterSheetFormat {
  /** the largest file `read` accepts, in bytes */
  readonly maxBytes: number;
  readonly mime: string;
  build(data: RegisterSheetData): Promise<Uint8Array>;
  /** Throws SheetError for a file that is not a readable register (too large, malformed, no header). */
  read(bytes: Uint8Array): Promise<ParsedRoster>;
}
