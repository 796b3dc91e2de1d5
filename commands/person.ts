/** /人员 新增|列表|移除 (admin): people, their platform identities and roles. */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import type { PersonWithRoles, Unit } from '../src/domain/model.js';
import { maskPhone } from '../src/domain/phone.js';
import type { Reply } from '../src/domain/reply.js';
import { type RoleGrant, roleName } from '../src/domain/roles.js';
import { rolesLabel } from '../src/domain/wording.js';
import { type CommandContext, defineCommand } from './core/types.js';

/**
 * A person registered without a chat identity (imported from a 责任人员名单) who has the name given, in the unit given:
 * @mentioning them binds the identity to that person rather than registering them twice.
 */
async function unboundNamesake(
  ctx: CommandContext,
  unit: Unit | undefined,
  name: string | null | undefined,
  hasIdentity: boolean,
): Promise<PersonWithRoles | null> {
  if (!unit || !name || !hasIdentity) return null;
  const found = (await ctx.store.people.list({ unitId: unit.id })).filter(
    (p) => p.name === name && p.identities.length === 0,
  );
  return found.length === 1 ? found[0]! : null;
}

const add = defineCommand({
  path: ['人员', '新增'],
  aliases: [['person', 'add']],
  access: ['admin'],
  summary: '登记人员及其角色（@此人）',
  usage:
    '/人员 新增 @某人 单位=… 角色=联络员|信息员|分管领导|主要领导|管理员 [职务=…] [电话=…] [姓名=…] [另一身份=@wecom:userid]',
  examples: [
    '/人员 新增 @张三 单位=兴国县教育局 角色=联络员 职务=办公室主任 电话=13812345678',
    '/人员 新增 @张三 角色=联络员 单位=兴国县教育局 另一身份=@wecom:zhangsan',
  ],
  keys: {
    人员: ['person', 'who'],
    单位: ['unit'],
    角色: ['role', 'roles'],
    职务: ['title'],
    电话: ['phone'],
    姓名: ['name'],
    另一身份: ['also', '身份'],
  },
  mention: '人员',
  args: (h) =>
    z.object({
      人员: h.mention('人员'),
      单位: h.unit('单位').optional(),
      角色: h.roles(),
      职务: h.text('职务', 40).optional(),
      电话: h.phone().optional(),
      姓名: h.text('姓名', 30).optional(),
      另一身份: h.mention('另一身份').optional(),
    }),
  async run(ctx, a): Promise<Reply> {
    // A second platform identity for the same person (a Feishu open_id and a WeCom userid): never one held by another.
    const also = a.另一身份?.identity ?? null;
    if (a.另一身份 && !also)
      throw new AppError({ code: 'bad_argument', problems: ['另一身份 须写成 @wecom:userid 或 @feishu:open_id'] });
    if (also && a.另一身份?.person && a.另一身份.person.id !== a.人员.person?.id) {
      throw new AppError({
        code: 'rule',
        message: `@${a.另一身份.written} 已登记为「${a.另一身份.person.name}」，不能再绑定给他人。`,
      });
    }
    const unitRoles = a.角色.filter((r) => r !== 'admin');
    if (unitRoles.length > 0 && !a.单位)
      throw new AppError({
        code: 'bad_argument',
        problems: [`角色 ${unitRoles.map(roleName).join('、')} 需要 单位=…`],
      });
    const grants: RoleGrant[] = a.角色.map((role) => ({ role, unitId: role === 'admin' ? null : (a.单位 as Unit).id }));
    const existing =
      a.人员.person ?? (await unboundNamesake(ctx, a.单位, a.姓名 ?? a.人员.name, a.人员.identity !== null));
    const labels = a.角色.map(roleName).join('、');
    if (existing) {
      const patch: Partial<PersonWithRoles> = {};
      if (a.职务) patch.title = a.职务;
      if (a.电话) patch.phone = a.电话;
      if (a.姓名) patch.name = a.姓名;
      if (a.单位 && existing.unitId === null) patch.unitId = a.单位.id;
      if (Object.keys(patch).length) ctx.write(ctx.store.people.update(existing.id, patch));
      ctx.write(ctx.store.people.addRoles(existing.id, grants));
      if (
        a.人员.identity &&
        !existing.identities.some(
          (i) => i.channel === a.人员.identity!.channel && i.externalId === a.人员.identity!.externalId,
        )
      ) {
        ctx.write(ctx.store.people.addIdentity(existing.id, a.人员.identity));
      }
      if (also && !existing.identities.some((i) => i.channel === also.channel && i.externalId === also.externalId))
        ctx.write(ctx.store.people.addIdentity(existing.id, also));
      ctx.audit('person.update', `P${existing.id}`, { roles: a.角色, unit: a.单位?.name ?? null, ...patch });
      return {
        tone: 'success',
        blocks: [
          {
            type: 'text',
            text: `已更新「${patch.name ?? existing.name}」：${a.单位 ? `${a.单位.name} ` : ''}${labels}。`,
          },
        ],
      };
    }
    const name = a.姓名 ?? a.人员.name;
    if (!name) throw new AppError({ code: 'bad_argument', problems: ['请加 姓名=… 写明此人的姓名'] });
    if (!a.人员.identity)
      throw new AppError({
        code: 'bad_argument',
        problems: [`「@${a.人员.written}」还没有登记，请在群里 @ 此人（或写 @feishu:open_id、@wecom:userid）`],
      });
    const id = await ctx.store.nextId('person');
    ctx.write(
      ctx.store.people.insert(
        { id, name, title: a.职务 ?? null, phone: a.电话 ?? null, unitId: a.单位?.id ?? null, active: true },
        ctx.now,
      ),
      ctx.store.people.addIdentity(id, a.人员.identity),
      ...(also && !(also.channel === a.人员.identity.channel && also.externalId === a.人员.identity.externalId)
        ? [ctx.store.people.addIdentity(id, also)]
        : []),
      ctx.store.people.addRoles(id, grants),
    );
    ctx.audit('person.add', `P${id}`, {
      name,
      roles: a.角色,
      unit: a.单位?.name ?? null,
      identity: `${a.人员.identity.channel}:${a.人员.identity.externalId}`,
    });
    return {
      tone: 'success',
      blocks: [{ type: 'text', text: `已登记「${name}」：${a.单位 ? `${a.单位.name} ` : ''}${labels}。` }],
    };
  },
});

const list = defineCommand({
  path: ['人员', '列表'],
  aliases: [['person', 'list'], ['people']],
  access: ['admin'],
  summary: '查看人员（可按单位）',
  usage: '/人员 列表 [单位=…]',
  examples: ['/人员 列表 单位=兴国县教育局'],
  keys: { 单位: ['unit'] },
  positional: ['单位'],
  args: (h) => z.object({ 单位: h.unit('单位').optional() }),
  async run(ctx, a): Promise<Reply> {
    const people = await ctx.store.people.list(a.单位 ? { unitId: a.单位.id } : {});
    if (people.length === 0)
      return { blocks: [{ type: 'text', text: a.单位 ? `「${a.单位.name}」还没有登记人员。` : '还没有登记人员。' }] };
    const units = new Map((await ctx.store.units.all()).map((u) => [u.id, u.name]));
    const rows = people.map((p) => [
      p.name,
      p.unitId !== null ? (units.get(p.unitId) ?? '—') : '—',
      rolesLabel(p, (id) => units.get(id) ?? `U${id}`),
      p.title ?? '—',
      p.phone ? (ctx.showPhones ? p.phone : maskPhone(p.phone)) : '—',
    ]);
    return {
      title: `${a.单位 ? `${a.单位.name} ` : ''}人员（${people.length}）`,
      blocks: [{ type: 'table', columns: ['姓名', '单位', '角色', '职务', '电话'], rows }],
    };
  },
});

const remove = defineCommand({
  path: ['人员', '移除'],
  aliases: [['person', 'remove']],
  access: ['admin'],
  summary: '移除人员（保留历史记录）',
  usage: '/人员 移除 @某人',
  examples: ['/人员 移除 @张三'],
  keys: { 人员: ['person', 'who'] },
  mention: '人员',
  positional: ['人员'],
  args: (h) => z.object({ 人员: h.person('人员') }),
  async run(ctx, a): Promise<Reply> {
    const p = a.人员;
    if (p.id === ctx.caller.id) throw new AppError({ code: 'rule', message: '不能移除自己；请另一位管理员操作。' });
    ctx.write(ctx.store.people.update(p.id, { active: false }), ctx.store.people.removeRoles(p.id));
    ctx.audit('person.remove', `P${p.id}`, { name: p.name, roles: p.roles });
    // A unit left without a liaison gets its reminders nowhere but its work group: say so, and how to mend it.
    const orphaned: string[] = [];
    for (const g of p.roles) {
      if (g.role !== 'liaison' || g.unitId === null) continue;
      const others = (await ctx.store.people.withRole('liaison', g.unitId)).filter((x) => x.id !== p.id);
      if (others.length > 0) continue;
      const unit = await ctx.store.units.byId(g.unitId);
      if (unit) orphaned.push(unit.name);
    }
    const blocks: Reply['blocks'] = [{ type: 'text', text: `已移除「${p.name}」及其全部角色。` }];
    if (orphaned.length)
      blocks.push({
        type: 'list',
        items: orphaned.map(
          (u) => `⚠ 「${u}」现在没有联络员：备案、提醒将无人经办。请用 /人员 新增 @某人 单位=${u} 角色=联络员 补上。`,
        ),
      });
    return { tone: orphaned.length ? 'warning' : 'success', blocks };
  },
});

export const personCommands = [add, list, remove];
