/** Repositories for stored files and register import previews (ports in src/ports/files.ts). */
import { and, eq } from 'drizzle-orm';
import { type FileRepo, type ImportRepo, type ImportStatus, MAX_STORED_FILE_BYTES } from '../../src/ports/files.js';
import type { Db } from '../executor/types.js';
import * as t from '../schema.js';
import { guardChanged, w } from '../write.js';

export function createFileRepo(db: Db): FileRepo {
  return {
    put(f, at) {
      if (f.bytes.byteLength > MAX_STORED_FILE_BYTES)
        throw new RangeError(`file ${f.name} is ${f.bytes.byteLength} bytes, over ${MAX_STORED_FILE_BYTES}`);
      const bytes = Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      return w(
        'file.put',
        db
          .insert(t.files)
          .values({ id: f.id, name: f.name, mime: f.mime, bytes, createdAt: at.getTime(), createdBy: f.createdBy }),
      );
    },
    async get(id) {
      const [r] = await db.select().from(t.files).where(eq(t.files.id, id));
      return r ? { id: r.id, name: r.name, mime: r.mime, bytes: new Uint8Array(r.bytes) } : null;
    },
  };
}

export function createImportRepo(db: Db): ImportRepo {
  return {
    insert(p) {
      return w(
        'import.insert',
        db.insert(t.importPreviews).values({
          id: p.id,
          fileName: p.fileName,
          roster: p.roster,
          planDigest: p.planDigest,
          status: p.status,
          createdBy: p.createdBy,
          createdAt: p.createdAt.getTime(),
        }),
      );
    },
    async byId(id) {
      const [r] = await db.select().from(t.importPreviews).where(eq(t.importPreviews.id, id));
      if (!r) return null;
      return {
        id: r.id,
        fileName: r.fileName,
        roster: r.roster,
        planDigest: r.planDigest,
        status: r.status as ImportStatus,
        createdBy: r.createdBy,
        createdAt: new Date(r.createdAt),
      };
    },
    setStatus(id, status, by, at) {
      return [
        w(
          'import.setStatus',
          db
            .update(t.importPreviews)
            .set({ status, decidedBy: by, decidedAt: at.getTime() })
            .where(and(eq(t.importPreviews.id, id), eq(t.importPreviews.status, 'pending'))),
        ),
        guardChanged(`import:${id}`),
      ];
    },
  };
}
