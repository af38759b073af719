import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: keep parallelism modest so integration tests with real servers stay stable.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
