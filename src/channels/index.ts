/**
 * The channel list: the one place that names the channels. Adding a channel is a folder under src/channels/ that
 * exports a `Channel` (src/channels/channel.ts) and one line here; the config, the entries, the delivery loop,
 * /healthz and the names users may write (`@feishu:ou_x`) all derive from this list.
 */
import type { Core } from '../app/build.js';
import type { ChannelName } from '../domain/model.js';
import type { AttachmentSources } from '../ports/attachments.js';
import type { Logger } from '../ports/logger.js';
import type { Messenger } from '../ports/messenger.js';
import type { PushHosts } from '../ports/services.js';
import type { Channel, ChannelInstance, ConfiguredChannel } from './channel.js';
import { consoleChannel } from './console/index.js';
import { feishuChannel } from './feishu/index.js';
import { wechatyChannel } from './wechaty/index.js';
import { wecomChannel } from './wecom/index.js';

export const CHANNELS: readonly Channel[] = [feishuChannel, wecomChannel, wechatyChannel, consoleChannel];

export const channelInfo = CHANNELS.map((c) => ({ name: c.name, label: c.label }));

/** For each configured channel that takes push addresses, the host they must be on (checked by /单位 绑定群). */
export function pushHostsOf(configured: readonly ConfiguredChannel[]): PushHosts {
  const out: PushHosts = {};
  for (const { channel, config } of configured) if (channel.pushHost) out[channel.name] = channel.pushHost(config);
  return out;
}

/** Open the configured channels in this process. */
export function openChannels(configured: readonly ConfiguredChannel[], log: Logger, core?: Core): ChannelInstance[] {
  return configured.map(({ channel, config }) => channel.open(config, core ? { log, core } : { log }));
}

/** The outbound clients of the open channels, keyed by channel, for the delivery loop. */
export function messengersOf(open: readonly ChannelInstance[]): Partial<Record<ChannelName, Messenger>> {
  const out: Partial<Record<ChannelName, Messenger>> = {};
  for (const c of open) if (c.messenger) out[c.name] = c.messenger;
  return out;
}

/** The attachment sources of the open channels, keyed by channel (downloading files users send). */
export function attachmentsOf(open: readonly ChannelInstance[]): AttachmentSources {
  const out: AttachmentSources = {};
  for (const c of open) if (c.attachments) out[c.name] = c.attachments;
  return out;
}

/** Each known channel, on or off in this process (for /healthz and the start-up log). */
export function channelStates(open: readonly ChannelInstance[]): Record<string, 'on' | 'off'> {
  return Object.fromEntries(CHANNELS.map((c) => [c.name, open.some((o) => o.name === c.name) ? 'on' : 'off']));
}
