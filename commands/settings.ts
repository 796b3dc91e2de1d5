/** /设置 (policy values) and /节假日 (calendar overrides), admin only. */
import { z } from 'zod';
import { AppError } from '../src/domain/errors.js';
import {
  DEFAULT_POLICY,
  findSetting,
  type Policy,
  policyProblem,
  resolvePolicy,
  SETTINGS,
} from '../src/domain/policy.js';
import type { Reply } from '../src/domain/reply.js';
import { defineCommand } from './core/types.js';

const settings = defineCommand({
  path: ['设置'],
  aliases: [['settings'], ['set']],
  access: ['admin'],
  summary: '查看或修改规则参数（备案期限、僵尸天数、提醒时间等）',
  usage: '/设置 [键=值 …]',
  examples: ['/设置', '/设置 备案期限=3 僵尸天数=15'],
  openKeys: true,
  args: () => z.record(z.string(), z.union([z.string(), z.boolean()])),
  async run(ctx, a): Promise<Reply> {
    const stored = await ctx.store.settings.all();
    const entries = Object.entries(a);
    if (entries.length === 0) {
      const p = resolvePolicy(stored);
      return {
        title: '规则参数',
        blocks: [
          {
            type: 'list',
            items: SETTINGS.map((s) => {
              const v = (s.format as (x: unknown) => string)(p[s.key]);
              const isDefault = !(s.key in stored);
              return `${s.name}＝${v}${isDefault ? '（默认）' : ''}　依据：${s.source}`;
            }),
          },
          { type: 'note', text: '修改：/设置 键=值，例如 /设置 备案期限=3' },
        ],
      };
    }
    const problems: string[] = [];
    const changes: Partial<Record<keyof Policy, unknown>> = {};
    for (const [k, raw] of entries) {
      const spec = findSetting(k);
      if (!spec) {
        problems.push(`没有「${k}」这个设置项，可用：${SETTINGS.map((s) => s.name).join('、')}`);
        continue;
      }
      const r = spec.schema.safeParse(spec.parse(String(raw)));
      if (!r.success) problems.push(r.error.issues[0]?.message ?? `「${spec.name}」的值不对`);
      else changes[spec.key] = r.data;
    }
    if (problems.length) throw new AppError({ code: 'bad_argument', problems });
    const next = resolvePolicy({ ...stored, ...changes });
    const conflict = policyProblem(next);
    if (conflict) throw new AppError({ code: 'rule', message: `${conflict}；未修改。` });
    const lines: string[] = [];
    for (const [key, value] of Object.entries(changes) as [keyof Policy, unknown][]) {
      const spec = SETTINGS.find((s) => s.key === key)!;
      const fmt = spec.format as (x: unknown) => string;
      const before = key in stored ? resolvePolicy(stored)[key] : DEFAULT_POLICY[key];
      ctx.write(ctx.store.settings.set(key, value, ctx.caller.id, ctx.now));
      ctx.audit('settings.set', `setting:${key}`, { from: before, to: value });
      lines.push(`${spec.name}：${fmt(before)} → ${fmt(value)}`);
    }
    return { title: '已修改规则参数', tone: 'success', blocks: [{ type: 'list', items: lines }] };
  },
});

export const settingsCommands = [settings];
