/**
 * Argument schemas: zod types that read what users type (dates, platforms, @mentions, units, ids) and say in short
 * Chinese what is wrong. `今天`, @mentions and the store depend on the message: the helpers read them from an
 * `ArgEnv` slot at parse time, so a command's schema is built once and reused (building zod schemas costs more than
 * parsing with them). See `argSchemas`.
 */
import { z } from 'zod';
import type { Identity, ChannelName, PersonWithRoles, Unit } from '../../src/domain/model.js';
import { findPlatform, PLATFORM_NAMES, type PlatformCode } from '../../src/domain/platforms.js';
import { isPhone } from '../../src/domain/phone.js';
import { findRole, ROLES, type Role } from '../../src/domain/roles.js';
import type { DateStr } from '../../src/domain/time.js';
import type { InboundMention } from '../../src/ports/inbound.js';
import type { Store } from '../../src/ports/store.js';
import { parseDateInput, parseDateTimeInput } from './parse.js';

export interface MentionTarget {
  identity: Identity | null;
  name: string | null;
  person: PersonWithRoles | null;
  /** what was written, for messages */
  written: string;
}

export interface ArgHelpers {
  text(label: string, max?: number): z.ZodType<string>;
  date(label: string): z.ZodType<DateStr>;
  datetime(label: string, defaultTime?: string): z.ZodType<Date>;
  platform(): z.ZodType<PlatformCode>;
  platforms(): z.ZodType<PlatformCode[]>;
  roles(): z.ZodType<Role[]>;
  choice<T extends string>(label: string, options: Readonly<Record<string, T>>): z.ZodType<T>;
  url(label: string): z.ZodType<string>;
  phone(): z.ZodType<string>;
  flag(): z.ZodType<boolean>;
  /** `R12` → 12 */
  id(prefix: string, label: string): z.ZodType<number>;
  int(label: string, min: number, max: number): z.ZodType<number>;
  mention(label: string): z.ZodType<MentionTarget>;
  /** a registered person, by @mention or name */
  person(label: string): z.ZodType<PersonWithRoles>;
  unit(label: string): z.ZodType<Unit>;
  units(label: string): z.ZodType<Unit[]>;
}

/** What a message's arguments are read against. */
export interface ArgEnv {
  today: DateStr;
  now: Date;
  store: Store;
  mentions: readonly InboundMention[];
  /** the channel names a written `@channel:id` may carry */
  channels: readonly ChannelName[];
}

/** Where a built schema finds the environment of the parse it is running (set only while it runs). */
interface EnvSlot {
  env: ArgEnv | null;
}

interface Built<S> {
  schema: S;
  slot: EnvSlot;
}

/**
 * Built schemas kept per command and reused: `parse` takes a free one (or builds one), points its slot at this
 * message's environment for the duration of the parse and returns it afterwards. A parse awaits the store, so two
 * messages of the same command can be parsing at once: each has a schema of its own, never a shared slot.
 */
export function argSchemas<K extends object, S>(build: (key: K, h: ArgHelpers) => S) {
  const free = new WeakMap<K, Built<S>[]>();
  return async function parse<R>(key: K, env: ArgEnv, use: (schema: S) => Promise<R>): Promise<R> {
    let list = free.get(key);
    if (!list) free.set(key, (list = []));
    let b = list.pop();
    if (!b) {
      const slot: EnvSlot = { env: null };
      b = { schema: build(key, helpersOn(slot)), slot };
    }
    b.slot.env = env;
    try {
      return await use(b.schema);
    } finally {
      b.slot.env = null;
      // a few per command: as many as parse at the same time
      if (list.length < 8) list.push(b);
    }
  };
}

function helpersOn(slot: EnvSlot): ArgHelpers {
  const cur = (): ArgEnv => {
    if (!slot.env) throw new Error('an argument schema ran outside its parse');
    return slot.env;
  };
  const text = (label: string, max = 200): z.ZodType<string> =>
    z
      .string()
      .transform((s) => s.trim())
      .pipe(
        z
          .string()
          .min(1, { error: `「${label}」不能为空` })
          .max(max, { error: `「${label}」太长（最多 ${max} 字）` }),
      );

  async function resolveMention(raw: string): Promise<MentionTarget> {
    const written = raw.startsWith('@') ? raw.slice(1) : raw;
    const known = cur().mentions.find((m) => m.key === written);
    if (known) {
      const person = known.identity ? await cur().store.people.byIdentity(known.identity) : null;
      return { identity: known.identity, name: known.name, person: person?.active ? person : null, written };
    }
    const colon = written.indexOf(':');
    if (colon > 0 && cur().channels.includes(written.slice(0, colon) as ChannelName)) {
      const identity = { channel: written.slice(0, colon) as ChannelName, externalId: written.slice(colon + 1) };
      if (identity.externalId.length === 0 || identity.externalId.length > 128) {
        return { identity: null, name: null, person: null, written };
      }
      const person = await cur().store.people.byIdentity(identity);
      return { identity, name: person?.name ?? null, person: person?.active ? person : null, written };
    }
    const byName = await cur().store.people.byName(written);
    if (byName.length === 1) return { identity: null, name: written, person: byName[0]!, written };
    return { identity: null, name: written, person: null, written };
  }

  const mention = (label: string): z.ZodType<MentionTarget> =>
    z.string({ error: `缺少「${label}」：请 @ 此人` }).transform(async (s, ctx) => {
      const m = await resolveMention(s.trim());
      if (!m.identity && !m.person) {
        ctx.addIssue({
          code: 'custom',
          message: `「${label}」找不到「@${m.written}」：请在群里 @ 此人，或写已登记的姓名`,
        });
        return z.NEVER;
      }
      return m;
    });

  const unit = (label: string): z.ZodType<Unit> =>
    z.string({ error: `缺少「${label}」` }).transform(async (s, ctx) => {
      const name = s.trim();
      const u = await cur().store.units.byName(name);
      if (!u) {
        const all = await cur().store.units.all();
        const near = all.filter((x) => x.name.includes(name) || name.includes(x.name)).slice(0, 5);
        ctx.addIssue({
          code: 'custom',
          message: `没有名为「${name}」的单位${near.length ? `，是否指：${near.map((x) => x.name).join('、')}` : '（/单位 列表 可查看）'}`,
        });
        return z.NEVER;
      }
      return u;
    });

  return {
    text,
    date: (label) =>
      z.string({ error: `缺少「${label}」` }).transform((s, ctx) => {
        const d = parseDateInput(s, cur().today);
        if (!d) {
          ctx.addIssue({
            code: 'custom',
            message: `「${label}」不是有效日期：「${s}」，可写 2026-11-20、2026/11/20、11月20日、今天、昨天`,
          });
          return z.NEVER;
        }
        return d;
      }),
    datetime: (label, defaultTime) =>
      z.string({ error: `缺少「${label}」` }).transform((s, ctx) => {
        const t = parseDateTimeInput(s, cur().now, defaultTime);
        if (!t) {
          ctx.addIssue({
            code: 'custom',
            message: `「${label}」不是有效时间：「${s}」，可写 2026-11-20、"2026-11-20 15:00"、今天15点`,
          });
          return z.NEVER;
        }
        return t;
      }),
    platform: () =>
      z.string({ error: '缺少「平台」' }).transform((s, ctx) => {
        const p = findPlatform(s);
        if (!p) {
          ctx.addIssue({ code: 'custom', message: `没有「${s}」这个平台，可选：${PLATFORM_NAMES.join('、')}` });
          return z.NEVER;
        }
        return p;
      }),
    platforms: () =>
      z.string().transform((s, ctx) => {
        const out: PlatformCode[] = [];
        for (const part of s
          .split(/[,，、;；]/)
          .map((x) => x.trim())
          .filter(Boolean)) {
          const p = findPlatform(part);
          if (!p) {
            ctx.addIssue({ code: 'custom', message: `没有「${part}」这个平台，可选：${PLATFORM_NAMES.join('、')}` });
            return z.NEVER;
          }
          if (!out.includes(p)) out.push(p);
        }
        return out;
      }),
    roles: () =>
      z.string({ error: '缺少「角色」' }).transform((s, ctx) => {
        const out: Role[] = [];
        for (const part of s
          .split(/[,，、;；+]/)
          .map((x) => x.trim())
          .filter(Boolean)) {
          const r = findRole(part);
          if (!r) {
            ctx.addIssue({
              code: 'custom',
              message: `没有「${part}」这个角色，可选：${Object.values(ROLES).join('、')}`,
            });
            return z.NEVER;
          }
          if (!out.includes(r)) out.push(r);
        }
        if (out.length === 0) {
          ctx.addIssue({ code: 'custom', message: '「角色」不能为空' });
          return z.NEVER;
        }
        return out;
      }),
    choice: <T extends string>(label: string, options: Readonly<Record<string, T>>) =>
      z.string({ error: `缺少「${label}」` }).transform((s, ctx) => {
        const v = options[s.trim()] ?? options[s.trim().toLowerCase()];
        if (v === undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `「${label}」只能是：${Object.keys(options)
              .filter((k) => /[^\x00-\x7f]/.test(k))
              .join('、')}`,
          });
          return z.NEVER;
        }
        return v;
      }),
    url: (label) =>
      text(label, 2000).refine(
        (s) => {
          try {
            const u = new URL(s);
            return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
          } catch {
            return false;
          }
        },
        { error: `「${label}」须是 http:// 或 https:// 开头的网址` },
      ),
    phone: () => text('电话', 30).refine(isPhone, { error: '「电话」格式不对，例如 13812345678 或 0797-1234567' }),
    flag: () => z.literal(true),
    id: (prefix, label) => {
      const pattern = new RegExp(`^${prefix}?(\\d{1,9})$`, 'i');
      return z.string({ error: `缺少「${label}」，例如 ${prefix}12` }).transform((s, ctx) => {
        const m = pattern.exec(s.trim());
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `「${label}」应写成 ${prefix}12 这样的编号` });
          return z.NEVER;
        }
        return Number(m[1]);
      });
    },
    int: (label, min, max) =>
      z.string({ error: `缺少「${label}」` }).transform((s, ctx) => {
        const n = /^\d{1,9}$/.test(s.trim()) ? Number(s.trim()) : NaN;
        if (!Number.isInteger(n) || n < min || n > max) {
          ctx.addIssue({ code: 'custom', message: `「${label}」须是 ${min} 到 ${max} 的整数` });
          return z.NEVER;
        }
        return n;
      }),
    mention,
    person: (label) =>
      mention(label).transform((m, ctx) => {
        if (!m.person) {
          ctx.addIssue({ code: 'custom', message: `「@${m.written}」还没有登记（管理员可用 /人员 新增 添加）` });
          return z.NEVER;
        }
        return m.person;
      }),
    unit,
    units: (label) =>
      z.string({ error: `缺少「${label}」` }).transform(async (s, ctx) => {
        const out: Unit[] = [];
        for (const part of s
          .split(/[,，、;；]/)
          .map((x) => x.trim())
          .filter(Boolean)) {
          const r = await unit(label).safeParseAsync(part);
          if (!r.success) {
            ctx.addIssue({ code: 'custom', message: r.error.issues[0]?.message ?? `没有名为「${part}」的单位` });
            return z.NEVER;
          }
          if (!out.some((u) => u.id === r.data.id)) out.push(r.data);
        }
        return out;
      }),
  };
}
