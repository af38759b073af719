import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Derives glue-schemas/derived/ (contracts -> Iceberg/Glue/registry artifacts) before any test runs.
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: keep parallelism modest so integration tests with real servers stay stable.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
