import { defineConfig } from 'vitest/config';

/**
 * The API suite runs on the embedded PostgreSQL 18 and, when TEST_DATABASE_URL is set, once more on that
 * server; the browser flows run once, on the embedded one.
 */
const apiTests = ['server/**/*.test.ts'];
const external = process.env.TEST_DATABASE_URL;

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'api', include: apiTests, globalSetup: ['server/test/setup-embedded.ts'] } },
      ...(external
        ? [
            {
              extends: true,
              test: { name: 'api-external-pg', include: apiTests, globalSetup: ['server/test/setup-external.ts'] },
            },
          ]
        : []),
      {
        // The web app's pure logic (formatting, drafts, rule conditions); the browser's zone is pinned away from
        // the users' zones so that a date read on the wrong clock fails.
        extends: true,
        test: { name: 'web', include: ['web/src/**/*.test.ts'], environment: 'node', env: { TZ: 'America/New_York' } },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.ts'],
          globalSetup: ['server/test/setup-embedded.ts'],
          testTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
