/** Inside workerd, before each test file: the drizzle-kit migrations (the same .sql files wrangler applies) on D1. */
import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
