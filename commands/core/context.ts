/** The context a command runs in: who asks, where, when, and how to write, audit and notify. */
import { AppError } from '../../src/domain/errors.js';
import type { Account, PersonWithRoles, Unit } from '../../src/domain/model.js';
import { platformName } from '../../src/domain/platforms.js';
import type { Reply } from '../../src/domain/reply.js';
import type { Role } from '../../src/domain/roles.js';
import { shanghaiDate } from '../../src/domain/time.js';
import type { WorkCalendar } from '../../src/domain/calendar.js';
import type { Policy } from '../../src/domain/policy.js';
import type { ChatRef } from '../../src/ports/inbound.js';
import type { Write, Writes } from '../../src/ports/write.js';
import type { CommandContext } from './types.js';
import type { NotifyOptions, Recipient, Services } from '../../src/ports/services.js';

export interface ContextInit {
  services: Services;
  caller: PersonWithRoles;
  isAdmin: boolean;
  chat: ChatRef;
  now: Date;
  calendar: WorkCalendar;
  policy: Policy;
}

export class Context implements CommandContext {
  readonly writes: Write[] = [];
  readonly notified: string[] = [];
  readonly services: Services;
  readonly caller: PersonWithRoles;
  readonly isAdmin: boolean;
  readonly chat: ChatRef;
  readonly now: Date;
  readonly today: string;
  readonly calendar: WorkCalendar;
  readonly policy: Policy;

  constructor(init: ContextInit) {
    this.services = init.services;
    this.caller = init.caller;
    this.isAdmin = init.isAdmin;
    this.chat = init.chat;
    this.now = init.now;
    this.today = shanghaiDate(init.now);
    this.calendar = init.calendar;
    this.policy = init.policy;
  }

  get store() {
    return this.services.store;
  }

  get showPhones(): boolean {
    return this.isAdmin && this.chat.type === 'p2p';
  }

  write(...w: Writes[]): void {
    const flat = (x: Writes): void => {
      if (Array.isArray(x)) for (const y of x as readonly Writes[]) flat(y);
      else this.writes.push(x as Write);
    };
    for (const x of w) flat(x);
  }

  audit(action: string, subject: string, details?: Record<string, unknown>): void {
    this.write(
      this.store.audit.add({
        at: this.now,
        actorId: this.caller.id,
        actor: this.caller.name,
        action,
        subject,
        details,
      }),
    );
  }

  /** targets that already got a given reply in this command (a liaison who is also the requester is told once) */
  private readonly told = new WeakMap<Reply, Set<string>>();

  async notify(to: Recipient, reply: Reply, opts: NotifyOptions = {}): Promise<string[]> {
    const plan = await this.services.notifier.plan(to, reply, { ...opts, prefer: this.chat.channel });
    const seen = this.told.get(reply) ?? new Set<string>();
    this.told.set(reply, seen);
    const reached: string[] = [];
    plan.messages.forEach((m, i) => {
      const target = `${m.channel}:${m.targetType}:${m.target}`;
      if (seen.has(target)) return;
      seen.add(target);
      this.write(this.store.outbox.enqueue(m, this.now));
      if (plan.reached[i] !== undefined) reached.push(plan.reached[i]);
    });
    this.notified.push(...reached);
    return reached;
  }

  unitsWhere(roles: readonly Role[] | 'any'): number[] {
    return [
      ...new Set(
        this.caller.roles
          .filter((g) => g.unitId !== null && (roles === 'any' || roles.includes(g.role)))
          .map((g) => g.unitId as number),
      ),
    ];
  }

  async requireRoleIn(unitId: number, roles: readonly Role[] | 'any'): Promise<void> {
    if (this.isAdmin || this.unitsWhere(roles).includes(unitId)) return;
    const u = await this.store.units.byId(unitId);
    throw new AppError({ code: 'wrong_unit', unit: u?.name ?? `U${unitId}` });
  }

  async actingUnit(named: Unit | undefined, roles: readonly Role[]): Promise<Unit> {
    if (named) {
      if (!this.isAdmin && !this.unitsWhere(roles).includes(named.id))
        throw new AppError({ code: 'wrong_unit', unit: named.name });
      return named;
    }
    const mine = this.unitsWhere(roles);
    if (mine.length === 1) {
      const u = await this.store.units.byId(mine[0]!);
      if (u) return u;
    }
    if (mine.length === 0 && this.caller.unitId !== null && this.isAdmin) {
      const u = await this.store.units.byId(this.caller.unitId);
      if (u) return u;
    }
    throw new AppError({
      code: 'bad_argument',
      problems: [mine.length > 1 ? '您在多个单位有角色，请加 单位=… 指明' : '请加 单位=… 指明是哪个单位'],
    });
  }

  async findAccount(ref: string, opts: { platform?: string; unitId?: number } = {}): Promise<Account> {
    const s = ref.trim();
    const m = /^A(\d{1,9})$/i.exec(s);
    let found: Account[];
    if (m) {
      const a = await this.store.accounts.byId(Number(m[1]));
      found = a ? [a] : [];
    } else {
      found = await this.store.accounts.byName(s);
      if (opts.platform) found = found.filter((a) => a.platform === opts.platform);
      if (found.length > 1 && opts.unitId !== undefined) {
        const inUnit = found.filter((a) => a.unitId === opts.unitId);
        if (inUnit.length > 0) found = inUnit;
      }
      if (found.length > 1) {
        const active = found.filter((a) => a.status === 'active');
        if (active.length === 1) found = active;
      }
    }
    if (found.length === 0) {
      throw new AppError({
        code: 'not_found',
        kind: 'account',
        name: s,
        hint: '用 /账号 查看本单位的账号及编号（A12）',
      });
    }
    if (found.length > 1) {
      throw new AppError({
        code: 'ambiguous',
        kind: 'account',
        name: s,
        candidates: found.map((a) => `A${a.id} ${platformName(a.platform)}`),
        hint: `请写 账号=A${found[0]!.id}，或加 平台=${platformName(found[0]!.platform)}`,
      });
    }
    return found[0]!;
  }
}
