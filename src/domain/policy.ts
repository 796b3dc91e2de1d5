/**
 * Policy values an admin can change with /设置 (README "Commands" lists them; each carries its default and the article it comes from).
 * Each setting has a Chinese key, English aliases, a parser with a Chinese error, and the rule it comes from.
 */
import { z } from 'zod';
import { DEFAULT_REPORT_WEIGHTS, INDICATORS, type ReportWeights } from './report.js';

export interface Policy {
  filingDeadlineWorkdays: number;
  dormantDays: number;
  dormancyWarningDays: number;
  weeklyMinPosts: number;
  repostDeadlineWorkdays: number;
  reviewDeadlineWorkdays: number;
  passwordRotationDays: number;
  remindTime: string;
  remindAllDays: boolean;
  allowDomains: string[];
  /** weights of the quarterly report's scored indicators (src/domain/report.ts) */
  reportWeights: ReportWeights;
  /** feed hosts (names, addresses, CIDR ranges) allowed to be on a private network; see src/jobs/feed-guard.ts */
  feedPrivateHosts: string[];
  /** retention (src/jobs/retention.ts): days a sent message keeps its contents (and the files it carried) */
  keepMessageDays: number;
  /** days a message that could not be sent stays in /提醒 失败, resendable, after its last attempt */
  keepFailedDays: number;
  /** days the audit log, and the record (not the contents) of each message, are kept */
  keepAuditDays: number;
  /** days the record of reminders sent and of sweeps run is kept */
  keepReminderDays: number;
}

export const DEFAULT_POLICY: Policy = {
  filingDeadlineWorkdays: 5,
  dormantDays: 14,
  dormancyWarningDays: 10,
  weeklyMinPosts: 2,
  repostDeadlineWorkdays: 1,
  reviewDeadlineWorkdays: 2,
  passwordRotationDays: 90,
  remindTime: '09:00',
  remindAllDays: false,
  allowDomains: ['gov.cn'],
  reportWeights: DEFAULT_REPORT_WEIGHTS,
  feedPrivateHosts: [],
  keepMessageDays: 30,
  keepFailedDays: 90,
  keepAuditDays: 365,
  keepReminderDays: 60,
};

interface SettingSpec<K extends keyof Policy> {
  key: K;
  name: string;
  aliases: string[];
  source: string;
  schema: z.ZodType<Policy[K]>;
  /** how a user writes the value */
  format: (v: Policy[K]) => string;
  /** parse what the user typed */
  parse: (raw: string) => unknown;
}

const days = (min: number, max: number, what: string) =>
  z
    .number({ error: `${what}须为整数` })
    .int({ error: `${what}须为整数` })
    .min(min, { error: `${what}不能小于 ${min}` })
    .max(max, { error: `${what}不能大于 ${max}` });

/** A whole number as typed: "15", "１５", "90天", "3 个工作日", "2条". */
const num = (raw: string): unknown => {
  const m = /^\s*(\d+)\s*(?:天|日|个?工作日|条|次)?\s*$/.exec(raw.normalize('NFKC'));
  return m ? Number(m[1]) : raw;
};
const list = (raw: string): unknown =>
  raw
    .split(/[,，、;；\s]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
const bool = (raw: string): unknown =>
  ({ 是: true, 开: true, true: true, yes: true, '1': true, 否: false, 关: false, false: false, no: false, '0': false })[
    raw.trim().toLowerCase()
  ] ?? raw;

type AnySpec = { [K in keyof Policy]: SettingSpec<K> }[keyof Policy];

export const SETTINGS: readonly AnySpec[] = [
  {
    key: 'filingDeadlineWorkdays',
    name: '备案期限',
    aliases: ['filing_deadline', 'filingDeadlineWorkdays'],
    source: '神木 第六条：5 个工作日（兴国 四(二)：3 个工作日）',
    schema: days(1, 30, '备案期限'),
    format: (v) => `${v} 个工作日`,
    parse: num,
  },
  {
    key: 'dormantDays',
    name: '僵尸天数',
    aliases: ['dormant_days', 'dormantDays'],
    source: '全国检查指标：2 周未更新（兴国 六：15 天）',
    schema: days(2, 90, '僵尸天数'),
    format: (v) => `${v} 天`,
    parse: num,
  },
  {
    key: 'dormancyWarningDays',
    name: '预警天数',
    aliases: ['warning_days', 'dormancyWarningDays'],
    source: '提前预警',
    schema: days(1, 90, '预警天数'),
    format: (v) => `${v} 天`,
    parse: num,
  },
  {
    key: 'weeklyMinPosts',
    name: '每周最少更新',
    aliases: ['weekly_min_posts', 'weeklyMinPosts'],
    source: '神木 第十二条：每周信息更新不少于两次',
    schema: days(0, 50, '每周最少更新'),
    format: (v) => `${v} 条`,
    parse: num,
  },
  {
    key: 'repostDeadlineWorkdays',
    name: '转载期限',
    aliases: ['repost_deadline', 'repostDeadlineWorkdays'],
    source: '兴国 三(四)：不得超过 1 个工作日',
    schema: days(0, 10, '转载期限'),
    format: (v) => `${v} 个工作日`,
    parse: num,
  },
  {
    key: 'reviewDeadlineWorkdays',
    name: '审核期限',
    aliases: ['review_deadline', 'reviewDeadlineWorkdays'],
    source: '先审后发（吉林 二(三)、神木 第十七条）；超期提醒',
    schema: days(0, 30, '审核期限'),
    format: (v) => `${v} 个工作日`,
    parse: num,
  },
  {
    key: 'passwordRotationDays',
    name: '改密周期',
    aliases: ['password_rotation', 'passwordRotationDays'],
    source: '兴国 四(三)、神木 第二十条：定期更换密码',
    schema: days(7, 365, '改密周期'),
    format: (v) => `${v} 天`,
    parse: num,
  },
  {
    key: 'remindTime',
    name: '提醒时间',
    aliases: ['remind_time', 'remindTime'],
    source: '每日提醒时间（北京时间）',
    schema: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: '提醒时间格式为 HH:MM，例如 09:00' }),
    format: (v) => v,
    parse: (raw) => (/^\d:\d\d$/.test(raw.trim()) ? `0${raw.trim()}` : raw.trim().replace('：', ':')),
  },
  {
    key: 'remindAllDays',
    name: '每天提醒',
    aliases: ['remind_all_days', 'remindAllDays'],
    source: '默认只在工作日提醒',
    schema: z.boolean({ error: '每天提醒 只能是 是 或 否' }),
    format: (v) => (v ? '是' : '否'),
    parse: bool,
  },
  {
    key: 'allowDomains',
    name: '白名单域名',
    aliases: ['allow_domains', 'allowDomains'],
    source: '链接白名单（神木 第十三条：只转载党委和政府网站及稿源单位的信息）',
    schema: z.array(
      z.string().regex(/^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$/i, { error: '域名格式不正确，例如 gov.cn' }),
    ),
    format: (v) => v.join(','),
    parse: list,
  },
  {
    key: 'reportWeights',
    name: '通报权重',
    aliases: ['report_weights', 'reportWeights'],
    source: '神木 第二十一条：每季度检查并通报；各项指标的计分权重',
    schema: z
      .object(
        Object.fromEntries(INDICATORS.map((i) => [i.key, days(0, 100, `通报权重「${i.name}」`)])) as Record<
          keyof ReportWeights,
          z.ZodNumber
        >,
        {
          error: `通报权重写法：${INDICATORS.map((i) => `${i.name}${DEFAULT_REPORT_WEIGHTS[i.key]}`).join(',')}`,
        },
      )
      .refine((w) => Object.values(w).some((x) => x > 0), { error: '通报权重不能全为 0' }),
    format: (v) => INDICATORS.map((i) => `${i.name}${v[i.key]}`).join(','),
    parse: parseWeights,
  },
  {
    key: 'feedPrivateHosts',
    name: '订阅源内网',
    aliases: ['feed_private_hosts', 'feedPrivateHosts'],
    source: '订阅源默认只读取公网地址；内网 RSSHub 等须由管理员列出主机名、IP 或网段（写“无”清空）',
    schema: z.array(
      z.string().refine(isPrivateHostEntry, {
        error: '订阅源内网须是主机名、IP 地址或网段，例如 rsshub.gov.local,10.1.2.3,10.1.0.0/16',
      }),
    ),
    format: (v) => (v.length ? v.join(',') : '无'),
    parse: (raw) =>
      ['无', 'none', '-'].includes(raw.trim().toLowerCase())
        ? []
        : (list(raw) as string[]).map((e) => e.replace(/^\[|\]$/g, '').replace(/^\[(.*)\](\/\d+)$/, '$1$2')),
  },
  {
    key: 'keepMessageDays',
    name: '消息保留天数',
    aliases: ['keep_message_days', 'keepMessageDays'],
    source: '已发送消息的内容（含名单、手机号和导出的文件）保留的天数，之后只留发送记录',
    schema: days(1, 365, '消息保留天数'),
    format: (v) => `${v} 天`,
    parse: num,
  },
  {
    key: 'keepFailedDays',
    name: '失败消息保留天数',
    aliases: ['keep_failed_days', 'keepFailedDays'],
    source: '发送失败的消息在 /提醒 失败 中可重发的天数（自最后一次尝试起），之后删除内容',
    schema: days(1, 730, '失败消息保留天数'),
    format: (v) => `${v} 天`,
    parse: num,
  },
  {
    key: 'keepAuditDays',
    name: '日志保留天数',
    aliases: ['keep_audit_days', 'keepAuditDays'],
    source: '操作日志和消息发送记录保留的天数（《网络安全法》第二十一条：网络日志留存不少于六个月）',
    schema: days(180, 3650, '日志保留天数'),
    format: (v) => `${v} 天`,
    parse: num,
  },
  {
    key: 'keepReminderDays',
    name: '提醒记录保留天数',
    aliases: ['keep_reminder_days', 'keepReminderDays'],
    source: '已发提醒和每日检查记录保留的天数（须长于最长的提醒周期：一周）',
    schema: days(14, 3650, '提醒记录保留天数'),
    format: (v) => `${v} 天`,
    parse: num,
  },
];

/** `更新30,备案15,审核20,…` (names from INDICATORS; `更新=30`, `更新：30` too); unnamed indicators keep their default. */
function parseWeights(raw: string): unknown {
  const out: Record<string, unknown> = { ...DEFAULT_REPORT_WEIGHTS };
  for (const part of raw.split(/[,，、;；\s]+/).filter(Boolean)) {
    const m = /^(\D+?)[=＝:：]?(\d+)$/.exec(part.trim());
    const spec = m ? INDICATORS.find((i) => i.name === m[1] || i.key === m[1]) : undefined;
    if (!m || !spec) return raw; // not an object: the schema says how to write it
    out[spec.key] = Number(m[2]);
  }
  return out;
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]{2,45}$/i;
/** A host name, an IPv4/IPv6 address, or a CIDR range of either. */
export function isPrivateHostEntry(s: string): boolean {
  const [addr = '', bits, extra] = s.split('/');
  if (extra !== undefined) return false;
  if (bits !== undefined) {
    const n = /^\d{1,3}$/.test(bits) ? Number(bits) : -1;
    if (IPV4.test(addr)) return n >= 0 && n <= 32;
    return IPV6.test(addr) && addr.includes(':') && n >= 0 && n <= 128;
  }
  return IPV4.test(addr) || (IPV6.test(addr) && addr.includes(':')) || (HOST_NAME.test(addr) && !/^[\d.]+$/.test(addr));
}

export function findSetting(name: string): AnySpec | undefined {
  const n = name.trim();
  return SETTINGS.find((s) => s.name === n || s.aliases.some((a) => a.toLowerCase() === n.toLowerCase()));
}

/** Merge stored values over the defaults, ignoring any stored value that no longer validates. */
export function resolvePolicy(stored: Readonly<Record<string, unknown>>): Policy {
  const out: Record<string, unknown> = { ...DEFAULT_POLICY };
  for (const spec of SETTINGS) {
    if (!(spec.key in stored)) continue;
    const r = spec.schema.safeParse(stored[spec.key]);
    if (r.success) out[spec.key] = r.data;
  }
  return out as unknown as Policy;
}

/** Check cross-field consistency of a policy; returns a Chinese message or null. */
export function policyProblem(p: Policy): string | null {
  if (p.dormancyWarningDays >= p.dormantDays)
    return `预警天数（${p.dormancyWarningDays}）应小于僵尸天数（${p.dormantDays}）`;
  if (p.keepFailedDays < p.keepMessageDays)
    return `失败消息保留天数（${p.keepFailedDays}）不能小于消息保留天数（${p.keepMessageDays}）`;
  if (p.keepAuditDays < p.keepFailedDays)
    return `日志保留天数（${p.keepAuditDays}）不能小于失败消息保留天数（${p.keepFailedDays}）`;
  return null;
}
