import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    // the workerd project (test/worker/vitest.config.ts) runs those
    exclude: [...configDefaults.exclude, 'test/worker/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the cores (one, on a 2-core machine); most suites wait on processes
    // and sockets they start, so three files at a time keep both cores busy.
    maxWorkers: 3,
  },
});
