/** Plain data types of the register, shared by the rules, the commands and the storage. */
import type { PlatformCode } from './platforms.js';
import type { Role, RoleGrant } from './roles.js';
import type { DateStr } from './time.js';

/**
 * The names of the chat channels. Each channel folder under src/channels/ adds its own name to this interface
 * (declaration merging), so the channel list there is the one place that names a channel.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by each channel through declaration merging
export interface ChannelNames {}
export type ChannelName = keyof ChannelNames & string;

export interface Unit {
  id: number;
  name: string;
  parentId: number | null;
  domains: string[];
  createdAt: Date;
}

export interface UnitChat {
  unitId: number;
  channel: ChannelName;
  chatId: string;
  /** a WeCom group's push webhook (消息推送), through which notices reach it; a secret */
  pushUrl?: string | null;
}

export interface Person {
  id: number;
  name: string;
  title: string | null;
  phone: string | null;
  unitId: number | null;
  active: boolean;
}

export interface Identity {
  channel: ChannelName;
  externalId: string;
}

export interface PersonWithRoles extends Person {
  roles: RoleGrant[];
  identities: Identity[];
}

export type AccountStatus = 'active' | 'suspended' | 'closed';
export const ACCOUNT_STATUS_NAMES: Record<AccountStatus, string> = {
  active: '正常',
  suspended: '已关停',
  closed: '已注销',
};
export type Operation = 'self' | 'entrusted';
export type OperatorKind = 'subordinate' | 'news_media' | 'other';
export const OPERATOR_KIND_NAMES: Record<OperatorKind, string> = {
  subordinate: '下属企事业单位',
  news_media: '新闻媒体',
  other: '其他',
};

export interface Account {
  id: number;
  unitId: number;
  platform: PlatformCode;
  name: string;
  externalId: string | null;
  url: string | null;
  openedOn: DateStr | null;
  status: AccountStatus;
  operation: Operation;
  operatorName: string | null;
  operatorKind: OperatorKind | null;
  officerId: number | null;
  feedUrl: string | null;
  passwordChangedOn: DateStr | null;
  createdAt: Date;
}

export interface AccountActivity {
  lastPostAt: Date | null;
  postsLast7Days: number;
}

export type FilingKind = 'open' | 'change' | 'suspend' | 'close';
export const FILING_KIND_NAMES: Record<FilingKind, string> = {
  open: '开设',
  change: '变更',
  suspend: '关停',
  close: '注销',
};
export type FilingStatus = 'filed' | 'pending_confirmation' | 'confirmed';

export interface Filing {
  id: number;
  accountId: number;
  unitId: number;
  kind: FilingKind;
  eventDate: DateStr;
  dueDate: DateStr;
  filedAt: Date;
  late: boolean;
  emergency: boolean;
  calendarFallback: boolean;
  status: FilingStatus;
  reason: string | null;
  changes: Record<string, { from: string | null; to: string | null }> | null;
  warnings: string[];
  filedBy: number | null;
}

export type PostSource = 'manual' | 'review' | 'feed' | 'repost';
export interface Post {
  accountId: number;
  publishedAt: Date;
  title: string | null;
  url: string | null;
  source: PostSource;
  externalId: string | null;
}

export type { Role, RoleGrant };
