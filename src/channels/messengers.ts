/** The outbound clients of the channels that are configured, keyed by channel, for the delivery loop. */
import type { Config } from '../config.js';
import type { ChannelName } from '../domain/model.js';
import type { AttachmentSources } from '../ports/attachments.js';
import type { FileRepo } from '../ports/files.js';
import type { Logger } from '../ports/logger.js';
import type { Messenger } from '../ports/messenger.js';
import { FeishuMessenger } from './feishu/client.js';

export interface Channels {
  messengers: Partial<Record<ChannelName, Messenger>>;
  feishu: FeishuMessenger | null;
  /** per channel, downloading files users send */
  attachments: AttachmentSources;
}

/** `files`: where the files of file/image replies are read from when they are sent. */
export function createChannels(config: Config, log: Logger, files: Pick<FileRepo, 'get'> | null = null): Channels {
  const feishu = config.feishu ? new FeishuMessenger(config.feishu, log, files) : null;
  return { messengers: feishu ? { feishu } : {}, feishu, attachments: feishu ? { feishu } : {} };
}
