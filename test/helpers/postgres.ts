import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the tests that need one use: `OAUTH_CONSOLE_TEST_DATABASE_URL`
 * (CI starts a cluster and sets it). Without it such tests fail in CI and are
 * skipped locally, with the reason printed once.
 */
export const TEST_POSTGRES_URL = process.env.OAUTH_CONSOLE_TEST_DATABASE_URL || undefined;

let told = false;
/** True when PostgreSQL tests can run; throws in CI when they cannot (a missing server must not pass as green). */
export function postgresAvailable(what: string): boolean {
  if (TEST_POSTGRES_URL) return true;
  if (process.env.CI) throw new Error(`${what} needs PostgreSQL: set OAUTH_CONSOLE_TEST_DATABASE_URL (.ci/run starts a cluster)`);
  if (!told) console.warn(`skipped: ${what} needs PostgreSQL (set OAUTH_CONSOLE_TEST_DATABASE_URL=postgres://user@127.0.0.1:5432/postgres)`);
  told = true;
  return false;
}

/** A database of its own on the test server (tests in parallel must not hear each other's notifications). */
export async function freshPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  const name = `oc_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await again.connect();
      try {
        await again.query(`drop database if exists ${name} with (force)`);
      } finally {
        await again.end();
      }
    },
  };
}
