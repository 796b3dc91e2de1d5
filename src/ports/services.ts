/**
 * The services every command, card action and job runs with: the store, the clock, the logger, the calendar, the
 * channels that are on, and the routing of notifications. Composed once per process by src/app/build.ts.
 */
import type { WorkCalendar } from '../domain/calendar.js';
import type { Clock } from '../domain/clock.js';
import type { ChannelName, Identity, PersonWithRoles, Unit } from '../domain/model.js';
import type { Reply } from '../domain/reply.js';
import type { AttachmentSources } from './attachments.js';
import type { CalendarAdminStore } from './calendar-admin.js';
import type { FeedStore } from './feeds.js';
import type { ReportRenderer, ReportStore } from './report.js';
import type { Logger } from './logger.js';
import type { RegisterSheetFormat } from './sheets.js';
import type { OutboxMessage, Store } from './store.js';
import type { SweepPlan } from './sweep.js';

export type Recipient = { person: PersonWithRoles } | { unit: Unit } | { admins: true };

export interface NotifyOptions {
  /** an enqueue with a key used before is dropped (once-only notifications) */
  dedupeKey?: string;
  /** the channel to try first for a direct message (the one the command came in on) */
  prefer?: ChannelName;
}

export interface NotificationPlan {
  messages: OutboxMessage[];
  /** for each message, who it reaches, in words: 「兴国县教育局」工作群（飞书）, 李联络（飞书） */
  reached: string[];
  /** units and people nobody could be found to tell */
  unreachable: string[];
}

/** Who a notice goes to: a unit's work groups (else its liaisons), a person, or the admins. One routing for all. */
export interface Notifier {
  plan(to: Recipient, reply: Reply, opts?: NotifyOptions): Promise<NotificationPlan>;
  /** the identity a direct message to this person goes to (the preferred channel first), or null */
  personTarget(person: { identities: readonly Identity[] }, prefer?: ChannelName): Identity | null;
}

/** What the daily reminders would send as of a moment (for /提醒 预览); nothing is recorded. */
export interface ReminderPlanner {
  plan(now: Date): Promise<SweepPlan>;
}

/** A channel as the core sees it: its name and what users call it. */
export interface ChannelInfo {
  name: ChannelName;
  /** 飞书, 企业微信 … */
  label: string;
}

/** Per channel, the host a group push address must be on. */
export type PushHosts = Partial<Record<ChannelName, string>>;

export interface Services {
  store: Store;
  clock: Clock;
  log: Logger;
  /** bootstrap admins from configuration (ADMINS) */
  adminIdentities: readonly Identity[];
  /** every channel the product knows, on or off */
  channels: readonly ChannelInfo[];
  /** channels that can deliver messages (configured), in order of preference */
  deliveryChannels: readonly ChannelName[];
  /** the working-day calendar without overrides; overrides are loaded per request */
  baseCalendar: WorkCalendar;
  notifier: Notifier;
  /** the daily reminders' preview; absent where reminders are not wired */
  reminders?: ReminderPlanner;
  /** feed polling state (shown by /账号 详情); absent where feeds are not polled */
  feeds?: FeedStore;
  /** the register spreadsheet format (/台账 导出, /台账 导入); absent where it is not wired (those commands say so) */
  registerSheets?: RegisterSheetFormat;
  /** per channel, downloading files users send; filled in by the entry once the channels are open */
  attachments: AttachmentSources;
  /** the quarterly report's queries and snapshots (/通报); absent where reports are not wired */
  report?: ReportStore;
  /** the report's chart and documents as files (/通报 sends them); absent where those libraries are not wired */
  reportFiles?: ReportRenderer;
  /** open deadlines and holiday imports for the calendar admin commands; absent where not wired */
  calendarAdmin?: CalendarAdminStore;
  /** per channel that takes a group push address, the host it must be on (WeCom: that of WECOM_BASE_URL) */
  pushHosts: PushHosts;
}

/** What users call a channel: 飞书 for feishu. */
export function channelLabel(services: Pick<Services, 'channels'>, name: ChannelName): string {
  return services.channels.find((c) => c.name === name)?.label ?? name;
}
