/** The one place where coded errors become the short Chinese text a user reads. */
import type { AppErrorData, EntityKind } from '../../src/domain/errors.js';
import { joinSentences } from '../../src/domain/wording.js';
import { capText, clipQuotes, echo } from '../../src/domain/escape.js';
import { type Reply, textReply } from '../../src/domain/reply.js';
import { roleName } from '../../src/domain/roles.js';

/** The answer to a direct message that is not a command (or not text). */
export const GREETING = '您好，我是政务新媒体助手。命令以 / 开头，发送 /帮助 查看您可以使用的命令。';

/** A guarded write lost a race twice in a row: nothing was done. */
export const CONFLICT_TEXT = '操作未完成：数据刚被他人修改，请重试。';

/** Card-button sentences (toasts): a stale or forged button, a refused click, a failure. */
export const BUTTON_TEXT = {
  unknown: '此按钮已失效，请改用命令操作。',
  invalid: '按钮数据无效，请改用命令操作。',
  forbidden: '您无权进行此操作。',
  done: '已处理。',
  failed: '系统出错了，请稍后再试。',
} as const;

const KIND: Record<EntityKind, string> = {
  unit: '单位',
  person: '人员',
  account: '账号',
  filing: '备案',
  review: '送审',
  task: '转载任务',
  setting: '设置项',
  date: '日期',
};

/** The text, with any quoted user input shortened (a huge argument is not echoed back whole). */
export function errorText(e: AppErrorData, usage?: string): string {
  return capText(rawErrorText(e, usage), 4_000);
}

function rawErrorText(e: AppErrorData, usage?: string): string {
  const withUsage = (s: string): string => (usage ? `${s}\n正确格式：${usage}` : s);
  switch (e.code) {
    case 'not_registered':
      return `您还没有登记为本系统的用户。请联系政府办管理员${e.admins.length ? `（${e.admins.join('、')}）` : ''}用 /人员 新增 添加您。`;
    case 'forbidden':
      return `您没有权限使用 /${e.command}：仅限${e.roles.map(roleName).join('、')}。`;
    case 'wrong_unit':
      return `您在「${e.unit}」没有相应角色，不能替该单位操作。`;
    case 'unknown_command':
      return `没有「/${echo(e.input)}」这个命令。${e.suggestions.length ? `是否想用：${e.suggestions.map((s) => `/${s}`).join('、')}？` : ''}发送 /帮助 查看您可用的命令。`;
    case 'unknown_subcommand':
      return `「/${e.command}」后面应是：${e.subcommands.join('、')}${e.input ? `（不是「${echo(e.input)}」）` : ''}。发送 /帮助 ${e.command} 查看用法。`;
    case 'bad_argument':
      return withUsage(
        joinSentences(
          e.problems.map((p) => clipQuotes(p)),
          '',
        ),
      );
    case 'not_found':
      return `找不到${KIND[e.kind]}「${echo(e.name)}」${e.hint ? `：${e.hint}` : '。'}`;
    case 'ambiguous':
      return `「${echo(e.name)}」对应多个${KIND[e.kind]}：${e.candidates.join('、')}。${e.hint}`;
    case 'rule':
    case 'conflict':
      return e.message;
    case 'internal':
      return `系统出错了，已记录（编号 ${e.ref}），请稍后再试或联系管理员。`;
  }
}

export function errorReply(e: AppErrorData, usage?: string): Reply {
  return textReply(errorText(e, usage), e.code === 'rule' || e.code === 'conflict' ? 'warning' : 'error');
}
