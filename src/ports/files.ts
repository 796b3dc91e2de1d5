/**
 * Files the bot sends (an exported register, a report) and register import previews waiting for confirmation.
 * A file is stored with the command's other writes; the outbox row that sends it carries only its id, so a queued
 * file survives restarts and retries like any message.
 */
import type { Write, Writes } from './write.js';

/** Refuse to store a file over this size (Feishu's file limit is 30 MB, images 10 MB). */
export const MAX_STORED_FILE_BYTES = 20 * 1024 * 1024;

export interface StoredFile {
  id: number;
  name: string;
  mime: string;
  bytes: Uint8Array;
}

export interface FileRepo {
  /** Throws RangeError for a file over MAX_STORED_FILE_BYTES. */
  put(f: { id: number; name: string; mime: string; bytes: Uint8Array; createdBy: number | null }, at: Date): Write;
  get(id: number): Promise<StoredFile | null>;
}

export type ImportStatus = 'pending' | 'applied' | 'superseded';

/** An import preview (`I<n>`): what was read from a file, kept until an admin confirms it. */
export interface ImportPreview {
  id: number;
  fileName: string;
  /** the parsed roster (plain JSON), planned again against the register at confirmation */
  roster: unknown;
  /** a digest of the plan shown in the preview: confirmation applies it only when the register still gives the same plan */
  planDigest: string;
  status: ImportStatus;
  createdBy: number | null;
  createdAt: Date;
}

export interface ImportRepo {
  insert(p: ImportPreview): Write;
  byId(id: number): Promise<ImportPreview | null>;
  /** Only a pending preview changes; otherwise the commit fails with ConflictError (confirmed twice at once). */
  setStatus(id: number, status: Exclude<ImportStatus, 'pending'>, by: number | null, at: Date): Writes;
}
