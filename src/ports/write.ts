/**
 * Deferred writes and the errors a commit raises. A command or job returns `Write` values; `Store.commit` applies them
 * atomically. Kept apart from the repositories' interfaces so every port can use them without an import cycle.
 */
/** A write to apply later, as part of one atomic commit. Opaque to the core. */
export interface Write {
  readonly label: string;
}
export type Writes = Write | readonly Writes[];

/** A guarded write found its row already changed: somebody else acted first. */
export class ConflictError extends Error {
  constructor(readonly label: string) {
    super(`conflict: ${label}`);
    this.name = 'ConflictError';
  }
}

/** The database stayed locked by another writer for longer than we wait: nothing was written; try again later. */
export class StoreBusyError extends Error {
  constructor() {
    super('database busy');
    this.name = 'StoreBusyError';
  }
}

/** The event was handled before (a platform retry racing the first delivery). */
export class DuplicateEventError extends Error {
  constructor() {
    super('duplicate event');
    this.name = 'DuplicateEventError';
  }
}
