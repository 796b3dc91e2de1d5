/** The Feishu app the workerd tests configure (shared by the config, the global setup and the tests). */
export const WORKER_TEST = {
  appId: 'cli_a1b2c3d4e5f60001',
  appSecret: 'sec_worker_9f8e7d6c5b4a',
  encryptKey: 'wk8W3pQe7RtY1uIo5pAs9dFg',
  verificationToken: 'v_test_verification_token',
  bot: 'ou_bot_worker',
  admin: 'ou_admin_worker',
  healthToken: 'worker-test-health-token',
} as const;
