/**
 * WeCom settings from the environment. With WECOM_CORP_ID set the self-built app is on and WECOM_SECRET,
 * WECOM_AGENT_ID, WECOM_TOKEN and WECOM_ENCODING_AES_KEY are all required; the AI bot needs WECOM_BOT_TOKEN and
 * WECOM_BOT_ENCODING_AES_KEY together. WECOM_BASE_URL points at a 政务微信 private deployment (default
 * https://qyapi.weixin.qq.com).
 */
/** WeCom's server API, unless WECOM_BASE_URL says otherwise (a 政务微信 deployment, a test's fake). */
export const WECOM_DEFAULT_BASE_URL = 'https://qyapi.weixin.qq.com';

export const WECOM_VARIABLES = [
  'WECOM_CORP_ID',
  'WECOM_AGENT_ID',
  'WECOM_SECRET',
  'WECOM_TOKEN',
  'WECOM_ENCODING_AES_KEY',
  'WECOM_BASE_URL',
  'WECOM_BOT_TOKEN',
  'WECOM_BOT_ENCODING_AES_KEY',
] as const;

export interface WecomAppConfig {
  corpId: string;
  agentId: number;
  secret: string;
  token: string;
  encodingAesKey: string;
}

export interface WecomBotConfig {
  token: string;
  encodingAesKey: string;
}

export interface WecomConfig {
  baseUrl: string;
  app: WecomAppConfig | null;
  bot: WecomBotConfig | null;
}

export class WecomConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = 'WecomConfigError';
  }
}

const AES_KEY = /^[A-Za-z0-9+/]{43}$/;

/** null when WeCom is not configured at all; throws WecomConfigError naming each missing or bad variable. */
export function parseWecomConfig(env: Record<string, string | undefined>): WecomConfig | null {
  const v = (name: string): string | undefined => {
    const s = env[name]?.trim();
    return s ? s : undefined;
  };
  const problems: string[] = [];
  const baseUrl = (v('WECOM_BASE_URL') ?? WECOM_DEFAULT_BASE_URL).replace(/\/+$/, '');
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('protocol');
  } catch {
    problems.push(`WECOM_BASE_URL: not an http(s) URL: ${baseUrl}`);
  }
  let app: WecomAppConfig | null = null;
  const corpId = v('WECOM_CORP_ID');
  if (corpId) {
    const need = (name: string): string => {
      const s = v(name);
      if (!s) problems.push(`${name} is required when WECOM_CORP_ID is set`);
      return s ?? '';
    };
    const secret = need('WECOM_SECRET');
    const agent = need('WECOM_AGENT_ID');
    const token = need('WECOM_TOKEN');
    const key = need('WECOM_ENCODING_AES_KEY');
    if (agent && !/^\d{1,10}$/.test(agent))
      problems.push(`WECOM_AGENT_ID must be the app's numeric AgentId, got ${agent}`);
    if (key && !AES_KEY.test(key)) problems.push('WECOM_ENCODING_AES_KEY must be the 43-character EncodingAESKey');
    if (token && !/^[A-Za-z0-9]{1,32}$/.test(token)) problems.push('WECOM_TOKEN must be 1–32 letters or digits');
    app = { corpId, secret, agentId: Number(agent), token, encodingAesKey: key };
  } else {
    for (const name of ['WECOM_SECRET', 'WECOM_AGENT_ID', 'WECOM_TOKEN', 'WECOM_ENCODING_AES_KEY'])
      if (v(name)) problems.push(`${name} is set but WECOM_CORP_ID is not`);
  }
  let bot: WecomBotConfig | null = null;
  const botToken = v('WECOM_BOT_TOKEN');
  const botKey = v('WECOM_BOT_ENCODING_AES_KEY');
  if (botToken || botKey) {
    if (!botToken) problems.push('WECOM_BOT_TOKEN is required with WECOM_BOT_ENCODING_AES_KEY');
    if (!botKey) problems.push('WECOM_BOT_ENCODING_AES_KEY is required with WECOM_BOT_TOKEN');
    if (botKey && !AES_KEY.test(botKey))
      problems.push('WECOM_BOT_ENCODING_AES_KEY must be the 43-character EncodingAESKey');
    if (botToken && botKey) bot = { token: botToken, encodingAesKey: botKey };
  }
  if (problems.length) throw new WecomConfigError(problems);
  if (!app && !bot) return null;
  return { baseUrl, app, bot };
}
