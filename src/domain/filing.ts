/**
 * Filing (备案) rules, from the seeds:
 * - 神木 第六条: opening, change, suspension and closure are filed within 5 working days (兴国 四(二): 3);
 * - 兴国 四(二): an emergency closure is filed at once ("第一时间"): the same working day;
 * - 神木 第八条 / 兴国 四(一) / 连云港: one account per unit per platform;
 * - 神木 第九条: no accounts in a person's name, none for a single event or campaign;
 * - 神木 第十条 / 兴国 四(一): one unit's accounts carry the same name on every platform;
 * - 浙江 二(四): entrusted operation only to a subordinate institution or a qualified news medium, no sub-contracting.
 */
import type { WorkCalendar } from './calendar.js';
import type { Account, FilingKind, OperatorKind } from './model.js';
import { platformName } from './platforms.js';
import type { Policy } from './policy.js';
import type { DateStr } from './time.js';

export interface Deadline {
  dueDate: DateStr;
  late: boolean;
  /** working days allowed (0 = same working day) */
  workdays: number;
  fallbackYears: number[];
}

export function filingDeadline(
  kind: FilingKind,
  eventDate: DateStr,
  today: DateStr,
  opts: { emergency: boolean; policy: Policy; calendar: WorkCalendar },
): Deadline {
  const workdays = opts.emergency && (kind === 'suspend' || kind === 'close') ? 0 : opts.policy.filingDeadlineWorkdays;
  const r = opts.calendar.addWorkdays(eventDate, workdays);
  return { dueDate: r.date, late: today > r.date, workdays, fallbackYears: r.fallbackYears };
}

export function deadlineRule(d: Deadline): string {
  return d.workdays === 0 ? '紧急关停当日报备，兴国 四(二)' : `${d.workdays} 个工作日内，神木 第六条`;
}

const EVENT_WORDS = [
  '专项行动',
  '专项工作',
  '专项整治',
  '专项活动',
  '活动',
  '大赛',
  '比赛',
  '竞赛',
  '运动会',
  '晚会',
  '庆典',
  '周年',
  '文化节',
  '旅游节',
  '艺术节',
  '音乐节',
  '美食节',
  '购物节',
  '博览会',
  '展览会',
  '交易会',
  '推介会',
  '论坛',
  '峰会',
  '创建',
  '创文',
  '创卫',
  '大会',
  '会议',
  '选举',
  '普查',
];
const PERSONAL_WORDS = ['个人', '本人', '我的', '私人', '工作室', '书记说', '县长说', '市长说', '局长说'];
const INSTITUTION_RE =
  /(政府|人民|办公室|委员会|管委会|局|委|办|厅|院|所|站|队|中心|街道|社区|镇|乡|村|县|市|区|省|发布|政务|在线|服务|融媒|公安|法院|检察|税务|消防|应急|卫健|教育|医保|人社|交通|气象|公积金|监管|执法)/;
// The most common Chinese surnames (covering most of the population): a short name made of one of these and one
// or two more characters, with no institution word in it, looks like a person's name.
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';

export interface NameFinding {
  kind: 'personal' | 'event';
  message: string;
}

/** 神木 第九条: an account in a person's name, or for a single event or campaign, needs an admin's confirmation. */
export function checkAccountName(name: string, registeredPeople: readonly string[] = []): NameFinding[] {
  const out: NameFinding[] = [];
  const person = registeredPeople.find((p) => p.length >= 2 && name.includes(p));
  const personalWord = PERSONAL_WORDS.find((w) => name.includes(w));
  const looksLikeName =
    /^[\u4e00-\u9fff]{2,4}$/.test(name) && SURNAMES.includes(name[0] ?? '') && !INSTITUTION_RE.test(name);
  if (person || personalWord || looksLikeName) {
    const why = person ? `含人员姓名「${person}」` : personalWord ? `含「${personalWord}」` : '像是个人姓名';
    out.push({ kind: 'personal', message: `账号名称${why}：神木 第九条 不得以个人名义开设政务新媒体，需管理员确认。` });
  }
  const event = EVENT_WORDS.find((w) => name.includes(w)) ?? (/20\d\d/.test(name) ? '年份' : undefined);
  if (event) {
    out.push({
      kind: 'event',
      message: `账号名称含「${event}」，疑似为专项活动开设：神木 第九条 不得为专项活动或专项工作单独开设政务新媒体，需管理员确认。`,
    });
  }
  return out;
}

/** 神木 第八条: one account per unit per platform. Returns the accounts that already occupy the platform. */
export function samePlatformAccounts(existing: readonly Account[], platform: string, exceptId?: number): Account[] {
  return existing.filter((a) => a.platform === platform && a.status === 'active' && a.id !== exceptId);
}

export function samePlatformMessage(platform: string, others: readonly Account[]): string {
  const list = others.map((a) => `「${a.name}」(A${a.id})`).join('、');
  return `本单位在${platformName(platform)}已有账号 ${list}。神木 第八条：一个单位原则上在同一平台只开设一个政务新媒体账号。`;
}

/** 神木 第十条: the same name on every platform. Returns a warning when the unit's other accounts use other names. */
export function nameConsistencyWarning(existing: readonly Account[], name: string, exceptId?: number): string | null {
  const others = existing.filter(
    (a) => a.status === 'active' && a.id !== exceptId && normalizeName(a.name) !== normalizeName(name),
  );
  if (others.length === 0) return null;
  const list = others
    .slice(0, 3)
    .map((a) => `${platformName(a.platform)}「${a.name}」`)
    .join('、');
  return `名称与本单位其他平台账号不一致（${list}）：神木 第十条 同一单位在不同平台的账号名称原则上应保持一致。`;
}

function normalizeName(n: string): string {
  return n.replace(/\s+/g, '').toLowerCase();
}

const NEWS_MEDIA_RE =
  /(融媒体中心|日报|晚报|报社|电视台|广播电视|新闻网|新闻中心|传媒集团|新华社|人民网|央视|新华网|广播电台)/;

/** Infer the kind of an entrusted operator from its name when the filer did not say. */
export function inferOperatorKind(operatorName: string): OperatorKind {
  return NEWS_MEDIA_RE.test(operatorName) ? 'news_media' : 'other';
}

/** 浙江 二(四): entrusted operation only to a subordinate institution or a qualified news medium. */
export function operatorWarning(kind: OperatorKind | null): string | null {
  if (kind === 'subordinate' || kind === 'news_media') return null;
  return '委托运营的受托方应为主办单位下属企事业单位或主流新闻媒体、具有互联网新闻信息采编发布服务资质的新闻网站，不得外包给社会组织、社会企业，不得再次转包（浙江 二(四)）。';
}
