/**
 * The seam every chat channel plugs into. A channel is a folder under src/channels/ that exports one `Channel`; the
 * list in src/channels/index.ts is the only place that names them, and the config, the entries, the delivery loop and
 * /healthz all derive from it. A channel reads its own settings, turns platform requests into the core's
 * InboundMessage / CardActionInput (its routes do: size limit, verify/decrypt, challenge, then a handler per event
 * type), and renders the core's Reply through its Messenger.
 */
import type { Hono } from 'hono';
import type { Core } from '../app/build.js';
import type { ChannelName } from '../domain/model.js';
import type { AttachmentSource } from '../ports/attachments.js';
import type { Logger } from '../ports/logger.js';
import type { Messenger } from '../ports/messenger.js';

export type Env = Record<string, string | undefined>;

/** What a channel's settings come to: on with its config, or off with the reason (for the start-up log). */
export type ChannelSettings<C> = { on: C } | { off: string };

/** A problem in a channel's settings: the start stops with a message naming the variable. */
export class ChannelConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'ChannelConfigError';
  }
}

/** What a running channel gets from the process: the core, a logger, and a way to wake the delivery loop. */
export interface ChannelDeps {
  core: Core;
  log: Logger;
  /** wake the delivery loop (after queuing replies) */
  kick(): void;
}

/** A channel that is on, in one process. */
export interface ChannelInstance {
  name: ChannelName;
  /** sends queued messages (absent for channels whose replies are returned, like the console) */
  messenger?: Messenger;
  /** downloads files users send (Feishu: the message resource; WeCom: media/get) */
  attachments?: AttachmentSource;
  /** the channel's webhook routes */
  mount?(app: Hono, deps: ChannelDeps): void;
  /** long-running connections (a bot login), started with the server */
  start?(deps: ChannelDeps): Promise<void>;
  stop?(): Promise<void>;
  /** extra health facts (e.g. a login state) shown by /healthz */
  health?(): Record<string, unknown>;
}

export interface Channel<C = unknown> {
  name: ChannelName;
  /** what users call it: 飞书 */
  label: string;
  /** the environment variables it reads, in the order the README lists them */
  variables: readonly string[];
  /** Read the channel's settings; throws ChannelConfigError when they are half set or malformed. */
  configure(env: Env): ChannelSettings<C>;
  /**
   * Make the running channel from its settings (no network work here: start() does that). `core` is given by the
   * entries that have one (its store and channel state, for a messenger that needs them).
   */
  open(config: C, deps: { log: Logger; core?: Core }): ChannelInstance;
  /** the host a group's push address (a webhook users paste) must be on, for channels that take one */
  pushHost?(config: C): string;
}

/** A configured channel: its definition and settings, opened later in the process that runs it. */
export interface ConfiguredChannel {
  channel: Channel;
  config: unknown;
}

/** Keeps each channel's config type private to its folder while the list holds channels of any config. */
export function defineChannel<C>(c: Channel<C>): Channel {
  return c as unknown as Channel;
}
