/**
 * The dispatcher: message text → command → permission check → arguments → run → reply. Every input gets a reply
 * (or, for chatter in a group, silence) and never an exception; the writes it returns are applied by the caller in
 * one atomic commit together with the reply and the event id.
 */
import type { z } from 'zod';
import { AppError, type AppErrorData } from '../../src/domain/errors.js';
import type { ChannelName, Identity, PersonWithRoles } from '../../src/domain/model.js';
import { resolvePolicy } from '../../src/domain/policy.js';
import { type Reply, textReply } from '../../src/domain/reply.js';
import type { Role } from '../../src/domain/roles.js';
import { AttachmentError } from '../../src/ports/attachments.js';
import type { ChatRef, InboundMention, InboundMessage } from '../../src/ports/inbound.js';
import { StoreBusyError, type Write } from '../../src/ports/write.js';
import { argSchemas } from './args.js';
import { Context } from './context.js';
import { splitEmbeddedKeys } from '../embedded-keys.js';
import { errorReply, GREETING } from './errors.js';
import { parseCommandLine, type RawArgs, textAfterCommand } from './parse.js';
import type { AttachmentHandle, CommandContext, CommandSpec } from './types.js';
import { usageFor } from './usage.js';
import type { Services } from '../../src/ports/services.js';

export interface DispatchResult {
  /** null: say nothing (group chatter that is not a command) */
  reply: Reply | null;
  writes: Write[];
  /** who was notified, for the console */
  notified: string[];
  /** the command that ran, for logs */
  command: string | null;
}

export interface Registry {
  all(): readonly CommandSpec[];
  /**
   * The command named by the word after the slash and, for a two-word command, the first positional word;
   * `consumed` is how many positional words were part of its name (0 or 1).
   */
  find(
    word: string,
    positional: readonly string[],
  ): { spec: CommandSpec; consumed: number } | { group: string; subcommands: string[] } | null;
  suggest(word: string): string[];
}

export function canRun(spec: Pick<CommandSpec, 'access'>, person: PersonWithRoles | null, isAdmin: boolean): boolean {
  if (spec.access.includes('anyone')) return true;
  if (!person) return false;
  if (isAdmin || spec.access.includes('registered')) return true;
  return person.roles.some((g) => spec.access.includes(g.role));
}

/** The roles a refusal names, each once. */
export function refusalRoles(spec: Pick<CommandSpec, 'access' | 'refusalRoles'>): Role[] {
  if (spec.refusalRoles) return [...new Set(spec.refusalRoles)];
  return [...new Set([...spec.access.filter((a): a is Role => a !== 'anyone' && a !== 'registered'), 'admin' as Role])];
}

export function commandLabel(spec: CommandSpec): string {
  return spec.path.join(' ');
}

/** Map typed keys, positional words, flags and mentions onto the command's canonical keys. */
/** Every accepted spelling of a command's keys (lower case) → its canonical key. */
function keyAliases(spec: CommandSpec): Map<string, string> {
  const alias = new Map<string, string>();
  for (const [k, as] of Object.entries(spec.keys ?? {})) {
    alias.set(k.toLowerCase(), k);
    for (const a of as) alias.set(a.toLowerCase(), k);
  }
  return alias;
}

/** The canonical keys of the key=value arguments typed (unknown keys left out). */
function canonicalKeys(spec: CommandSpec, named: ReadonlyMap<string, string>): string[] {
  const alias = keyAliases(spec);
  return [...named.keys()].flatMap((k) => alias.get(k.toLowerCase()) ?? []);
}

export function bindArgs(
  spec: CommandSpec,
  raw: RawArgs,
  skip: number,
): { values: Record<string, unknown>; problems: string[] } {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const alias = keyAliases(spec);
  const embedded = spec.openKeys ? { named: raw.named, repeated: [] } : splitEmbeddedKeys(raw.named, [...alias.keys()]);
  for (const k of new Set([...raw.repeated, ...embedded.repeated])) problems.push(`参数「${k}」写了不止一次`);
  for (const [k, v] of embedded.named) {
    const key = alias.get(k.toLowerCase()) ?? (spec.openKeys ? k : undefined);
    if (key === undefined) {
      const known = Object.keys(spec.keys ?? {});
      problems.push(`不认识的参数「${k}」${known.length ? `，可用：${known.join('、')}` : '（此命令不带参数）'}`);
      continue;
    }
    if (key in values && !spec.openKeys) problems.push(`参数「${key}」写了不止一次`);
    values[key] = v;
  }
  const words = raw.positional.slice(skip);
  const flagOf = new Map<string, string>();
  for (const [k, as] of Object.entries(spec.flags ?? {})) for (const a of [k, ...as]) flagOf.set(a.toLowerCase(), k);
  const slots = (spec.positional ?? []).filter((k) => !(k in values));
  const extra: string[] = [];
  for (const word of words) {
    const flag = flagOf.get(word.toLowerCase());
    if (flag !== undefined) values[flag] = true;
    else if (slots.length > 0) values[slots.shift()!] = word;
    else extra.push(word);
  }
  if (extra.length) problems.push(`多余的内容「${extra.join(' ')}」`);
  const mentions = [...raw.mentions];
  if (spec.mention && mentions.length > 0 && !(spec.mention in values)) values[spec.mention] = `@${mentions.shift()!}`;
  if (mentions.length > 0) problems.push(`多余的 @${mentions.join(' @')}`);
  return { values, problems };
}

function zodProblems(err: z.ZodError): string[] {
  return err.issues.map((i) => {
    const key = typeof i.path[0] === 'string' ? i.path[0] : '';
    if (i.code === 'invalid_type' && i.input === undefined) return `缺少「${key}」`;
    if (i.code === 'invalid_type' && key)
      return `「${key}」${i.message.startsWith('Invalid') ? '格式不对' : i.message}`;
    if (i.code === 'unrecognized_keys') return `不认识的参数「${i.keys.join('、')}」`;
    return i.message.startsWith('Invalid') || i.message.startsWith('Too') ? `「${key}」格式不对` : i.message;
  });
}

export interface ResolvedCaller {
  person: PersonWithRoles | null;
  isAdmin: boolean;
  /** writes that register a bootstrap admin on first contact */
  writes: Write[];
}

/** Find the caller; a bootstrap admin (ADMINS) is registered on first contact. */
export async function resolveCaller(
  services: Services,
  sender: Identity & { name?: string | null },
  now: Date,
): Promise<ResolvedCaller> {
  const identity = { channel: sender.channel, externalId: sender.externalId };
  const found = await services.store.people.byIdentity(identity);
  const person = found?.active ? found : null;
  const bootstrap = services.adminIdentities.some(
    (a) => a.channel === identity.channel && a.externalId === identity.externalId,
  );
  if (!bootstrap) return { person, isAdmin: person?.roles.some((g) => g.role === 'admin') ?? false, writes: [] };
  const store = services.store;
  if (person) {
    if (person.roles.some((g) => g.role === 'admin')) return { person, isAdmin: true, writes: [] };
    const grant = { role: 'admin' as Role, unitId: null };
    return {
      person: { ...person, roles: [...person.roles, grant] },
      isAdmin: true,
      writes: [store.people.addRoles(person.id, [grant])],
    };
  }
  const id = found?.id ?? (await store.nextId('person'));
  const created: PersonWithRoles = {
    id,
    name: found?.name ?? sender.name ?? '管理员',
    title: found?.title ?? null,
    phone: found?.phone ?? null,
    unitId: found?.unitId ?? null,
    active: true,
    roles: [{ role: 'admin', unitId: null }],
    identities: [identity],
  };
  const writes = found
    ? [store.people.update(id, { active: true }), store.people.addRoles(id, created.roles)]
    : [
        store.people.insert(created, now),
        store.people.addIdentity(id, identity),
        store.people.addRoles(id, created.roles),
      ];
  writes.push(
    store.audit.add({
      at: now,
      actorId: id,
      actor: created.name,
      action: 'person.bootstrap_admin',
      subject: `P${id}`,
      details: { identity: `${identity.channel}:${identity.externalId}` },
    }),
  );
  return { person: created, isAdmin: true, writes };
}

/** The context a command or card action runs in: settings and calendar overrides as stored now. */
export async function buildContext(
  services: Services,
  caller: ResolvedCaller,
  sender: Identity & { name?: string | null },
  chat: ChatRef,
  now: Date,
  attachment: AttachmentHandle | null = null,
): Promise<Context> {
  const [overrides, stored] = await Promise.all([services.store.calendar.overrides(), services.store.settings.all()]);
  const person: PersonWithRoles = caller.person ?? {
    id: 0,
    name: sender.name ?? '访客',
    title: null,
    phone: null,
    unitId: null,
    active: false,
    roles: [],
    identities: [{ channel: sender.channel, externalId: sender.externalId }],
  };
  return new Context({
    services,
    caller: person,
    isAdmin: caller.isAdmin,
    chat,
    now,
    calendar: services.baseCalendar.withOverrides(overrides),
    policy: resolvePolicy(stored),
    attachment,
  });
}

/** A file sent without text in a direct chat runs the command that takes files of its kind (e.g. /台账 导入 for .xlsx). */
function attachmentCommand(registry: Registry, msg: InboundMessage): string | null {
  if (!msg.attachment || msg.chat.type !== 'p2p') return null;
  const name = msg.attachment.name.toLowerCase();
  const spec = registry.all().find((s) => s.attachments?.some((ext) => name.endsWith(ext.toLowerCase())));
  return spec ? `/${spec.path.join(' ')}` : null;
}

/** The message's file, downloaded on demand through its channel's AttachmentSource. */
function attachmentHandle(services: Services, msg: InboundMessage): AttachmentHandle | null {
  const a = msg.attachment;
  if (!a) return null;
  const source = services.attachments[msg.chat.channel];
  const messageId = msg.messageId;
  return {
    ...a,
    async fetch(maxBytes) {
      if (!source || !messageId) {
        throw new AttachmentError('这个渠道暂不能读取文件，请在服务器上用命令行导入：npm run cli -- import 文件.xlsx');
      }
      return source.fetch(messageId, a, maxBytes);
    },
  };
}

let errorSeq = 0;
/** A short reference users can quote to an admin, matching the log line. */
export const errorRef = (): string =>
  `E${Date.now().toString(36).slice(-5)}${(errorSeq++ % 1296).toString(36)}`.toUpperCase();

function forbidden(spec: CommandSpec): AppError {
  return new AppError({ code: 'forbidden', command: commandLabel(spec), roles: refusalRoles(spec) });
}

/** Each command's argument schema, built once and reused (commands/core/args.ts). */
const parseArgs = argSchemas((spec: CommandSpec, h) => spec.args(h));

const channelNamesOf = new WeakMap<Services['channels'], ChannelName[]>();
function channelNames(services: Services): ChannelName[] {
  let names = channelNamesOf.get(services.channels);
  if (!names) channelNamesOf.set(services.channels, (names = services.channels.map((c) => c.name)));
  return names;
}

/**
 * The one pipeline a command runs through, typed or from a card button: the permission check, the argument schema,
 * then `run`. Errors are thrown as AppError.
 */
async function execute(
  ctx: CommandContext,
  spec: CommandSpec,
  values: Record<string, unknown>,
  mentions: readonly InboundMention[],
): Promise<Reply> {
  if (!canRun(spec, ctx.caller.active ? ctx.caller : null, ctx.isAdmin)) throw forbidden(spec);
  const env = { today: ctx.today, now: ctx.now, store: ctx.store, mentions, channels: channelNames(ctx.services) };
  const parsed = await parseArgs(spec, env, (schema) => schema.safeParseAsync(values));
  if (!parsed.success) throw new AppError({ code: 'bad_argument', problems: zodProblems(parsed.error) });
  return spec.run(ctx, parsed.data);
}

/** Run a command from code (a card button) with already-bound values, as the clicking user. */
export function runCommand(ctx: CommandContext, spec: CommandSpec, values: Record<string, unknown>): Promise<Reply> {
  return execute(ctx, spec, values, []);
}

export async function dispatch(services: Services, registry: Registry, msg: InboundMessage): Promise<DispatchResult> {
  const now = services.clock.now();
  const silent: DispatchResult = { reply: null, writes: [], notified: [], command: null };
  let spec: CommandSpec | null = null;
  let base: Write[] = [];
  /** what was typed, kept for the usage line of an error (its keys are mapped only then) */
  let typed: RawArgs | null = null;
  try {
    const fileCommand = msg.attachment && msg.text.trim() === '' ? attachmentCommand(registry, msg) : null;
    if (msg.attachment && msg.text.trim() === '' && !fileCommand) {
      if (msg.chat.type === 'group') return silent;
      return {
        ...silent,
        reply: textReply(
          `收到文件「${msg.attachment.name}」。我能读取的文件：.xlsx 台账（管理员在单聊中发送，先预览再导入）。发送 /帮助 查看命令。`,
        ),
      };
    }
    const line = parseCommandLine(fileCommand ?? msg.text);
    if (line.kind === 'none') {
      if (msg.chat.type === 'group') return silent;
      return { ...silent, reply: textReply(GREETING) };
    }
    const caller = await resolveCaller(services, msg.sender, now);
    base = caller.writes;
    const word = line.name;
    if (word === '') throw new AppError({ code: 'unknown_command', input: '', suggestions: ['帮助'] });
    const hit = registry.find(word, line.args.positional);
    if (!hit) throw new AppError({ code: 'unknown_command', input: word, suggestions: registry.suggest(word) });
    if ('group' in hit) {
      throw new AppError({
        code: 'unknown_subcommand',
        command: hit.group,
        input: line.args.positional[0] ?? '',
        subcommands: hit.subcommands,
      });
    }
    spec = hit.spec;
    typed = line.args;
    if (!canRun(spec, caller.person, caller.isAdmin)) {
      if (!caller.person) {
        const admins = await services.store.people.withRole('admin', null);
        throw new AppError({ code: 'not_registered', admins: admins.map((a) => a.name).slice(0, 3) });
      }
      throw forbidden(spec);
    }
    const bound = spec.freeText
      ? { values: { [spec.freeText]: textAfterCommand(msg.text, 1 + hit.consumed) }, problems: [] }
      : bindArgs(spec, line.args, hit.consumed);
    if (bound.problems.length) throw new AppError({ code: 'bad_argument', problems: bound.problems });
    const ctx = await buildContext(services, caller, msg.sender, msg.chat, now, attachmentHandle(services, msg));
    const reply = await execute(ctx, spec, bound.values, msg.mentions);
    return { reply, writes: [...base, ...ctx.writes], notified: ctx.notified, command: commandLabel(spec) };
  } catch (e) {
    if (e instanceof StoreBusyError) throw e; // nothing written yet: the request fails and is retried whole
    if (e instanceof AppError) {
      return {
        reply: errorReply(
          e.data,
          spec
            ? usageFor(spec, typed && { words: typed.positional, keys: canonicalKeys(spec, typed.named) })
            : undefined,
        ),
        writes: base,
        notified: [],
        command: spec ? commandLabel(spec) : null,
      };
    }
    const ref = errorRef();
    services.log.error({ err: e, ref, command: spec ? commandLabel(spec) : null }, 'command failed');
    const data: AppErrorData = { code: 'internal', ref };
    return { reply: errorReply(data), writes: base, notified: [], command: spec ? commandLabel(spec) : null };
  }
}
