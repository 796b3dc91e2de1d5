/**
 * Commands are data: each declares its words, who may run it, its argument schema (zod), a summary, a usage line and
 * examples; the dispatcher checks permissions and arguments in one place and help is generated from the same data.
 */
import type { z } from 'zod';
import type { WorkCalendar } from '../../src/domain/calendar.js';
import type { Account, PersonWithRoles, Unit } from '../../src/domain/model.js';
import type { Policy } from '../../src/domain/policy.js';
import type { Reply } from '../../src/domain/reply.js';
import type { Role } from '../../src/domain/roles.js';
import type { DateStr } from '../../src/domain/time.js';
import type { ChatRef } from '../../src/ports/inbound.js';
import type { Store } from '../../src/ports/store.js';
import type { Writes } from '../../src/ports/write.js';
import type { NotifyOptions, Recipient, Services } from '../../src/ports/services.js';
import type { ArgHelpers } from './args.js';

/** 'anyone' includes people who are not registered (help, whoami); 'registered' any registered person. */
export type Access = 'anyone' | 'registered' | Role;

export interface CommandContext {
  readonly services: Services;
  readonly store: Store;
  readonly now: Date;
  readonly today: DateStr;
  readonly calendar: WorkCalendar;
  readonly policy: Policy;
  readonly chat: ChatRef;
  readonly caller: PersonWithRoles;
  readonly isAdmin: boolean;
  /** phone numbers are shown in full only in a direct chat with an admin */
  readonly showPhones: boolean;
  /** queue writes; the dispatcher commits them atomically with the reply and the event id */
  write(...w: Writes[]): void;
  audit(action: string, subject: string, details?: Record<string, unknown>): void;
  notify(to: Recipient, reply: Reply, opts?: NotifyOptions): Promise<string[]>;
  /** units where the caller holds one of these roles ('any': any role) */
  unitsWhere(roles: readonly Role[] | 'any'): number[];
  /** Refuse (wrong_unit) unless the caller is an admin or holds one of `roles` in the unit. */
  requireRoleIn(unitId: number, roles: readonly Role[] | 'any'): Promise<void>;
  /**
   * The unit a command acts on: the named one (the caller must hold one of `roles` there, or be an admin), else the
   * caller's only such unit, else an error asking for 单位=.
   */
  actingUnit(named: Unit | undefined, roles: readonly Role[]): Promise<Unit>;
  /** Find an account by `A12` or its name (and platform when the name is shared). */
  findAccount(ref: string, opts?: { platform?: string; unitId?: number }): Promise<Account>;
}

export interface CommandSpec<A = unknown> {
  /** Chinese words, e.g. ['备案', '开设'] */
  path: readonly string[];
  /** English aliases of the path, e.g. [['file', 'open']] */
  aliases: readonly (readonly string[])[];
  access: readonly Access[];
  summary: string;
  usage: string;
  examples: readonly string[];
  /** canonical (Chinese) key → accepted aliases */
  keys?: Readonly<Record<string, readonly string[]>>;
  /** canonical keys filled by positional words, in order */
  positional?: readonly string[];
  /** words that switch something on (e.g. 紧急); they become `key: true` */
  flags?: Readonly<Record<string, readonly string[]>>;
  /** canonical key that receives the @mention written as a bare word */
  mention?: string;
  /** accept any key (for /设置) */
  openKeys?: boolean;
  args: (h: ArgHelpers) => z.ZodType<A>;
  run(ctx: CommandContext, args: A): Promise<Reply>;
}

/** Keeps the args type of `run` tied to the schema while the registry holds specs of any shape. */
export function defineCommand<S extends z.ZodType>(
  spec: Omit<CommandSpec<z.output<S>>, 'args'> & { args: (h: ArgHelpers) => S },
): CommandSpec<unknown> {
  return spec as unknown as CommandSpec<unknown>;
}
