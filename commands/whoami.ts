/** /我: who the bot takes me for — identity, unit, roles. */
import { z } from 'zod';
import { maskPhone } from '../src/domain/phone.js';
import type { Reply } from '../src/domain/reply.js';
import { roleName } from '../src/domain/roles.js';
import { defineCommand } from './core/types.js';
import { channelLabel } from '../src/ports/services.js';

const whoami = defineCommand({
  path: ['我'],
  aliases: [['whoami'], ['me']],
  access: ['anyone'],
  summary: '查看我的身份、单位和角色',
  usage: '/我',
  examples: ['/我'],
  args: () => z.object({}),
  async run(ctx): Promise<Reply> {
    const p = ctx.caller;
    if (!p.active) {
      const admins = await ctx.store.people.withRole('admin', null);
      return {
        tone: 'warning',
        blocks: [
          {
            type: 'text',
            text: `您还没有登记（身份：${p.identities.map((i) => `${i.channel}:${i.externalId}`).join('、')}）。请联系政府办管理员${
              admins.length
                ? `（${admins
                    .map((a) => a.name)
                    .slice(0, 3)
                    .join('、')}）`
                : ''
            }添加您。`,
          },
        ],
      };
    }
    const unitIds = [...new Set([p.unitId, ...p.roles.map((g) => g.unitId)].filter((x): x is number => x !== null))];
    const units = new Map<number, string>();
    for (const id of unitIds) {
      const u = await ctx.store.units.byId(id);
      if (u) units.set(id, u.name);
    }
    const roles = p.roles.map((g) =>
      g.unitId === null ? roleName(g.role) : `${units.get(g.unitId) ?? `单位${g.unitId}`} ${roleName(g.role)}`,
    );
    return {
      title: p.name,
      blocks: [
        {
          type: 'fields',
          fields: [
            { label: '单位', value: p.unitId !== null ? (units.get(p.unitId) ?? '—') : '—' },
            { label: '角色', value: roles.join('、') || '（无）' },
            { label: '职务', value: p.title ?? '—' },
            { label: '电话', value: p.phone ? (ctx.showPhones ? p.phone : maskPhone(p.phone)) : '—' },
            {
              label: '身份',
              value: p.identities.map((i) => `${channelLabel(ctx.services, i.channel)} ${i.externalId}`).join('、'),
            },
          ],
        },
      ],
    };
  },
});

export const whoamiCommands = [whoami];
