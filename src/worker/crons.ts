/** The Worker's cron triggers (wrangler.toml `[triggers] crons`), in UTC. */

/** 09:00 Asia/Shanghai: the daily reminders. */
export const DAILY_CRON = '0 1 * * *';
/** Delivery retries, feed polling, and a sweep that is due but has not run. */
export const FREQUENT_CRON = '*/5 * * * *';
