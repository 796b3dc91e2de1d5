/** /改密 账号: confirm that the account's password was changed (兴国 四(三)). */
import { z } from 'zod';
import type { Reply } from '../src/domain/reply.js';
import { addDays } from '../src/domain/time.js';
import { defineCommand } from './core/types.js';
import { ownAccount } from './accounts.js';

export const password = defineCommand({
  path: ['改密'],
  aliases: [['password']],
  access: ['liaison'],
  summary: '确认已更换账号密码（兴国 四(三)：定期更换密码）',
  usage: '/改密 账号 [平台=…]',
  examples: ['/改密 兴国教育'],
  keys: { 账号: ['account'], 平台: ['platform'] },
  positional: ['账号'],
  args: (h) => z.object({ 账号: h.text('账号', 60), 平台: h.platform().optional() }),
  async run(ctx, a): Promise<Reply> {
    const acc = await ownAccount(ctx, a.账号, a.平台, ['liaison']);
    ctx.write(ctx.store.accounts.update(acc.id, { passwordChangedOn: ctx.today }, ctx.now));
    ctx.audit('account.password_changed', `A${acc.id}`, { on: ctx.today });
    const next = addDays(ctx.today, ctx.policy.passwordRotationDays);
    return {
      tone: 'success',
      blocks: [
        {
          type: 'text',
          text: `已记录「${acc.name}」(A${acc.id}) 于 ${ctx.today} 更换密码，下次请在 ${next} 前更换（每 ${ctx.policy.passwordRotationDays} 天）。`,
        },
      ],
    };
  },
});

export const passwordCommands = [password];
