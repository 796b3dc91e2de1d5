/** The Feishu channel's settings from the environment (FEISHU_*). */
import { ChannelConfigError, type ChannelSettings, type Env } from '../channel.js';
import { baseUrl, optional } from '../env.js';

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  /** required: the signature of every request is checked with it */
  encryptKey: string;
  /** checked inside every decrypted event when set */
  verificationToken: string | undefined;
  baseUrl: string;
}

export const FEISHU_VARIABLES = [
  'FEISHU_APP_ID',
  'FEISHU_APP_SECRET',
  'FEISHU_ENCRYPT_KEY',
  'FEISHU_VERIFICATION_TOKEN',
  'FEISHU_BASE_URL',
] as const;

export function feishuSettings(env: Env): ChannelSettings<FeishuConfig> {
  const appId = optional(env.FEISHU_APP_ID);
  const appSecret = optional(env.FEISHU_APP_SECRET);
  const encryptKey = optional(env.FEISHU_ENCRYPT_KEY);
  const verificationToken = optional(env.FEISHU_VERIFICATION_TOKEN);
  const base = baseUrl('FEISHU_BASE_URL', env.FEISHU_BASE_URL, 'https://open.feishu.cn');
  if (appId && !appSecret) throw new ChannelConfigError(['FEISHU_APP_ID is set but FEISHU_APP_SECRET is missing']);
  if (!appId && appSecret) throw new ChannelConfigError(['FEISHU_APP_SECRET is set but FEISHU_APP_ID is missing']);
  if (!appId || !appSecret) return { off: 'FEISHU_APP_ID / FEISHU_APP_SECRET not set' };
  // Without the Encrypt Key nothing is signed and the verification token travels in clear in every body: an event
  // could be forged by anyone who has seen one. So the channel does not start without it.
  if (!encryptKey) {
    throw new ChannelConfigError([
      'FEISHU_ENCRYPT_KEY: required when FEISHU_APP_ID and FEISHU_APP_SECRET are set (request signatures are checked with it)',
    ]);
  }
  return { on: { appId, appSecret, encryptKey, verificationToken, baseUrl: base } };
}
