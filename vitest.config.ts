import { defineConfig } from 'vitest/config';
import { postgresUnavailableReason } from './test/helpers/pg-cluster';

/**
 * The suites that run a second time on PostgreSQL (`OC_TEST_DIALECT=postgres`:
 * test/helpers/server.ts gives each server a fresh database): the integration
 * suite and the admin contract suite, one suite parameterised, not a copy.
 */
const ON_POSTGRES = ['test/integration/**/*.test.ts', 'test/admin/contract-*.test.ts', 'test/admin/revocation.test.ts', 'test/api/**/*.test.ts'];

/** Tests of the PostgreSQL driver itself: the postgres project only. */
const POSTGRES_ONLY = ['test/unit/pg-*.test.ts'];

/**
 * Inherently SQLite (each file says so at its top): a crash of the server
 * process over its WAL file, a full disk on a tmpfs under the file. The rest
 * of the integration suite runs on both.
 */
const SQLITE_ONLY = ['test/integration/crash.test.ts', 'test/integration/disk-full.test.ts'];

const unavailable = postgresUnavailableReason();
if (unavailable && process.env.CI === 'true') throw new Error(`the PostgreSQL tests must run in CI: ${unavailable}`);
if (unavailable) console.warn(`skipping the PostgreSQL project: ${unavailable}`);

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.{ts,tsx}'], exclude: POSTGRES_ONLY } },
      ...(unavailable
        ? []
        : [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: [...ON_POSTGRES, ...POSTGRES_ONLY],
                exclude: SQLITE_ONLY,
                env: { OC_TEST_DIALECT: 'postgres' },
                globalSetup: ['test/helpers/pg-global-setup.ts'],
              },
            },
          ]),
    ],
  },
});
