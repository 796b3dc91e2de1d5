/** The WeCom channel's place in the channel list. Its callbacks and client are not built yet: it is always off. */
import { ChannelConfigError, defineChannel } from '../channel.js';

declare module '../../domain/model.js' {
  interface ChannelNames {
    wecom: true;
  }
}

export const wecomChannel = defineChannel<never>({
  name: 'wecom',
  label: '企业微信',
  variables: [
    'WECOM_CORP_ID',
    'WECOM_AGENT_ID',
    'WECOM_SECRET',
    'WECOM_TOKEN',
    'WECOM_ENCODING_AES_KEY',
    'WECOM_BASE_URL',
  ],
  configure: (env) => {
    // Callbacks are signed with the Token and encrypted with the EncodingAESKey: both, or no channel.
    const set = (v: string | undefined) => v !== undefined && v.trim() !== '';
    if (set(env.WECOM_CORP_ID) && set(env.WECOM_SECRET)) {
      const missing = (['WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'] as const).filter((v) => !set(env[v]));
      if (missing.length > 0) {
        throw new ChannelConfigError(
          missing.map(
            (v) => `${v}: required when WECOM_CORP_ID and WECOM_SECRET are set (callbacks are verified with it)`,
          ),
        );
      }
    }
    return { off: 'the WeCom channel is not built yet' };
  },
  open: () => {
    throw new Error('the WeCom channel is not built yet');
  },
});
