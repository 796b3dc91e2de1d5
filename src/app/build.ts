/**
 * The core, composed from its parts on any runtime: the services (store, clock, log, calendar, notification routing,
 * the reminders' preview), the command registry and the card actions. The entries (src/node.ts, src/cli.ts, the
 * Worker) choose the storage and the channels; everything below them takes a Core.
 */
import { cardActions, registry } from '../../commands/index.js';
import type { CardAction } from '../../commands/core/actions.js';
import type { Registry } from '../../commands/core/dispatch.js';
import type { WorkCalendar } from '../domain/calendar.js';
import { officialCalendar } from '../domain/calendar-data.js';
import { type Clock, systemClock } from '../domain/clock.js';
import type { ChannelName, Identity } from '../domain/model.js';
import type { AttachmentSources } from '../ports/attachments.js';
import type { CalendarAdminStore } from '../ports/calendar-admin.js';
import type { ChannelState } from '../ports/channel-state.js';
import type { FeedStore } from '../ports/feeds.js';
import type { ReportRenderer, ReportStore } from '../ports/report.js';
import { type Logger, silentLogger } from '../ports/logger.js';
import type { ChannelInfo, PushHosts, Services } from '../ports/services.js';
import type { RegisterSheetFormat } from '../ports/sheets.js';
import type { Store } from '../ports/store.js';
import type { SweepStore } from '../ports/sweep.js';
import { planSweep } from '../jobs/sweep.js';
import { createNotifier } from './notify.js';

export interface Core {
  services: Services;
  registry: Registry;
  actions: readonly CardAction[];
  /** the daily reminders' queries */
  sweep: SweepStore;
  /** feed polling state */
  feeds: FeedStore;
  /** small expiring values channels keep in the database (a platform token, a card's update code) */
  channelState?: ChannelState;
}

export interface CoreParts {
  store: Store;
  sweep: SweepStore;
  feeds: FeedStore;
  /** the quarterly report's queries and snapshots */
  report?: ReportStore;
  reportFiles?: ReportRenderer;
  /** every channel the product knows (the channel list) */
  channels: readonly ChannelInfo[];
  /** channels that are on and deliver messages, in order of preference */
  deliveryChannels?: readonly ChannelName[];
  admins?: readonly Identity[];
  clock?: Clock;
  log?: Logger;
  baseCalendar?: WorkCalendar;
  /** the register spreadsheet format (Node: src/app/register-sheet); absent, /台账 导出|导入 say it is off */
  registerSheets?: RegisterSheetFormat;
  /** per channel, downloading files users send (filled in once the channels are open) */
  attachments?: AttachmentSources;
  /** open deadlines and holiday imports (/节假日 导入); absent where not wired */
  calendarAdmin?: CalendarAdminStore;
  /** per channel, the host a group push address must be on (src/channels/index.ts pushHostsOf) */
  pushHosts?: PushHosts;
  channelState?: ChannelState;
}

export function buildCore(parts: CoreParts): Core {
  const base = {
    store: parts.store,
    adminIdentities: parts.admins ?? [],
    channels: parts.channels,
    deliveryChannels: parts.deliveryChannels ?? [],
  };
  const services: Services = {
    ...base,
    clock: parts.clock ?? systemClock,
    log: parts.log ?? silentLogger,
    baseCalendar: parts.baseCalendar ?? officialCalendar(),
    notifier: createNotifier(base),
    feeds: parts.feeds,
    registerSheets: parts.registerSheets,
    attachments: parts.attachments ?? {},
    report: parts.report,
    ...(parts.reportFiles ? { reportFiles: parts.reportFiles } : {}),
    calendarAdmin: parts.calendarAdmin,
    reminders: { plan: (now) => planSweep({ services, sweep: parts.sweep }, now) },
    pushHosts: parts.pushHosts ?? {},
  };
  return {
    services,
    registry,
    actions: cardActions,
    sweep: parts.sweep,
    feeds: parts.feeds,
    ...(parts.channelState ? { channelState: parts.channelState } : {}),
  };
}
