/**
 * What the core needs from storage. Reads are async queries; writes are deferred `Write` values that
 * `commit` applies atomically (a transaction on better-sqlite3, a batch on D1), so no transaction ever spans an await.
 */
import type { CalendarOverride } from '../domain/calendar.js';
import type {
  Account,
  AccountActivity,
  AccountStatus,
  ChannelName,
  Filing,
  FilingStatus,
  Identity,
  Person,
  PersonWithRoles,
  Post,
  Unit,
  UnitChat,
} from '../domain/model.js';
import type { Reply } from '../domain/reply.js';
import type { Role, RoleGrant } from '../domain/roles.js';
import type { FileRepo, ImportRepo } from './files.js';
import type { BindingStore } from './bindings.js';
import type { RepostRepo } from './reposts.js';
import type { RetentionStore } from './retention.js';
import type { Write, Writes } from './write.js';
import type { ReviewRepo, WordListRepo } from './reviews.js';

/** Ids users type, allocated before the write that uses them. */
export type IdKind = 'unit' | 'person' | 'account' | 'filing' | 'review' | 'task' | 'file' | 'import' | 'holidayImport';

export type OutboxTargetType = 'reply' | 'chat' | 'user' | 'update';
export interface OutboxMessage {
  channel: ChannelName;
  targetType: OutboxTargetType;
  /** chat id, or the person's id on the platform (open_id, userid); for 'update', the message's chat or user */
  target: string;
  /** the platform message id to reply to (targetType 'reply') */
  replyTo?: string | null;
  /** the dedupe key of an earlier message whose card this one replaces (targetType 'update') */
  updateOf?: string | null;
  /**
   * a one-use token the platform gave for updating that card (WeCom's ResponseCode from the click), for channels
   * that update by token rather than by message id (targetType 'update')
   */
  updateToken?: string | null;
  payload: Reply;
  /** an enqueue with a key that was used before does nothing (idempotent notifications and reminders) */
  dedupeKey?: string | null;
}

export interface OutboxRow extends OutboxMessage {
  id: number;
  /** archived: sent, contents dropped after 消息保留天数; expired: failed, given up after 失败消息保留天数 */
  status: 'pending' | 'sent' | 'failed' | 'archived' | 'expired';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  platformMessageId: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface AuditEntry {
  at: Date;
  actorId: number | null;
  actor: string;
  action: string;
  subject: string;
  details?: Record<string, unknown>;
}

export interface RegisterRow extends Account, AccountActivity {
  unitName: string;
  officerName: string | null;
}

export interface RegisterFilter {
  unitId?: number;
  status?: AccountStatus;
  platform?: string;
}

export interface Store {
  nextId(kind: IdKind): Promise<number>;
  /** Apply the writes atomically, in order. Throws ConflictError when a guarded write found its row changed. */
  commit(writes: Writes): Promise<void>;

  units: {
    all(): Promise<Unit[]>;
    byId(id: number): Promise<Unit | null>;
    byName(name: string): Promise<Unit | null>;
    insert(u: Unit): Write;
    chats(unitId: number): Promise<UnitChat[]>;
    byChat(channel: ChannelName, chatId: string): Promise<Unit | null>;
    /** Make the chat this unit's work group on its channel (a chat is the work group of one unit at most). */
    bindChat(c: UnitChat, at: Date, by: number | null): Writes;
  };

  people: {
    byId(id: number): Promise<PersonWithRoles | null>;
    byIdentity(identity: Identity): Promise<PersonWithRoles | null>;
    byName(name: string): Promise<PersonWithRoles[]>;
    list(filter?: { unitId?: number }): Promise<PersonWithRoles[]>;
    withRole(role: Role, unitId: number | null): Promise<PersonWithRoles[]>;
    insert(p: Person, at: Date): Write;
    update(id: number, patch: Partial<Omit<Person, 'id'>>): Write;
    addIdentity(personId: number, identity: Identity): Write;
    addRoles(personId: number, grants: readonly RoleGrant[]): Write;
    removeRoles(personId: number): Write;
  };

  accounts: {
    byId(id: number): Promise<Account | null>;
    byName(name: string): Promise<Account[]>;
    ofUnit(unitId: number): Promise<Account[]>;
    register(filter: RegisterFilter, now: Date): Promise<RegisterRow[]>;
    insert(a: Account, at: Date): Write;
    update(id: number, patch: Partial<Omit<Account, 'id' | 'createdAt'>>, at: Date): Write;
  };

  filings: {
    byId(id: number): Promise<Filing | null>;
    ofAccount(accountId: number): Promise<Filing[]>;
    pending(): Promise<Filing[]>;
    insert(f: Filing): Write;
    /** Only a filing still waiting for confirmation changes; otherwise the commit fails with ConflictError. */
    setStatus(id: number, status: FilingStatus, by: number, at: Date): Writes;
    /**
     * End a filing: 'rejected' only while it waits for confirmation, 'voided' unless it is already rejected or voided;
     * otherwise the commit fails with ConflictError.
     */
    end(id: number, status: 'rejected' | 'voided', by: number, at: Date): Writes;
  };

  posts: {
    /** Inserting a post that carries an externalId already recorded for the account does nothing. */
    insert(p: Post, by: number | null, at: Date): Write;
    recent(accountId: number, limit: number): Promise<Post[]>;
  };

  settings: {
    all(): Promise<Record<string, unknown>>;
    set(key: string, value: unknown, by: number | null, at: Date): Write;
  };

  calendar: {
    overrides(): Promise<CalendarOverride[]>;
    upsert(o: CalendarOverride, by: number | null, at: Date): Write;
    remove(date: string): Write;
  };

  audit: {
    add(entry: AuditEntry): Write;
    recent(subject: string | null, limit: number): Promise<AuditEntry[]>;
  };

  outbox: {
    /** Queue a message; with a dedupeKey used before, nothing is queued. */
    enqueue(m: OutboxMessage, at: Date): Write;
    /** pending messages whose time has come, oldest first */
    due(now: Date, limit: number): Promise<OutboxRow[]>;
    byKey(dedupeKey: string): Promise<OutboxRow | null>;
    /** Take a due message for `leaseMs` so that no other process sends it meanwhile (ConflictError if taken). */
    claim(id: number, now: Date, leaseMs: number): Writes;
    markSent(id: number, platformMessageId: string | null, at: Date): Write;
    /** try again at `next` (attempts counts this failure) */
    retryLater(id: number, attempts: number, next: Date, error: string): Write;
    /** give up: kept, visible to admins, re-queued with requeue() */
    markFailed(id: number, attempts: number, error: string): Write;
    failed(limit: number): Promise<OutboxRow[]>;
    requeue(ids: readonly number[] | 'all-failed', at: Date): Write;
    stats(): Promise<{ pending: number; failed: number; sent: number; oldestPendingAt: Date | null }>;
    nextDueAt(): Promise<Date | null>;
  };

  reviews: ReviewRepo;
  reposts: RepostRepo;
  wordLists: WordListRepo;
  files: FileRepo;
  imports: ImportRepo;

  /** one-time codes binding a chat identity to a person (/人员 绑定码, /绑定) */
  bindings: BindingStore;

  /** what is forgotten after its time (src/jobs/retention.ts) */
  retention: RetentionStore;

  events: {
    /** Record a platform event id; committing it twice fails the second commit with a DuplicateEventError. */
    record(id: string, at: Date): Write;
    seen(id: string): Promise<boolean>;
    /** forget event ids received before `before` (kept at least 7 days: Feishu retries for up to 6 hours) */
    purgeBefore(before: Date): Write;
  };
}
