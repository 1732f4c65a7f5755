import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The database the tests of this run use: `sqlite` (the default project) or
 * `postgres` (the `postgres` project of vitest.config.ts, which re-runs the
 * integration and admin contract suites with `OC_TEST_DIALECT=postgres`).
 */
export const TEST_DIALECT: 'sqlite' | 'postgres' = process.env.OC_TEST_DIALECT === 'postgres' ? 'postgres' : 'sqlite';

/** The database every test database is copied from: migrated once by the global setup. */
export const TEMPLATE_DATABASE = 'oc_test_template';

/** The maintenance URL of the test cluster (set by the global setup, or given as OAUTH_CONSOLE_TEST_PG_URL). */
export function testClusterUrl(): string {
  const url = process.env.OAUTH_CONSOLE_TEST_PG_URL;
  if (!url) throw new Error('no PostgreSQL for the tests: OAUTH_CONSOLE_TEST_PG_URL is unset (the postgres project sets it)');
  return url;
}

/** The URL of database `name` on the test cluster. */
export function databaseUrl(name: string): string {
  const url = new URL(testClusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The PostgreSQL database of a test server's data folder: the same folder
 * gets the same database (a restart finds its state), a new folder a fresh
 * copy of the migrated template (CREATE DATABASE … TEMPLATE: a file copy,
 * much cheaper than migrating).
 */
export async function databaseForDataDir(dataDir: string): Promise<string> {
  const name = databaseNameOf(dataDir);
  try {
    await onCluster(`create database "${name}" template "${TEMPLATE_DATABASE}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err;
  }
  return databaseUrl(name);
}

/** Drops the database of a data folder (a test server's dispose): each copy holds about 8 MB. */
export async function dropDatabaseOf(dataDir: string): Promise<void> {
  await onCluster(`drop database if exists "${databaseNameOf(dataDir)}" with (force)`);
}

/** Test databases are named `oc_t_…` (the global teardown drops what is left of them). */
export const TEST_DATABASE_PREFIX = 'oc_t_';

function databaseNameOf(dataDir: string): string {
  return `${TEST_DATABASE_PREFIX}${createHash('sha256').update(dataDir).digest('hex').slice(0, 20)}`;
}

/** One maintenance statement on a connection of its own, closed at once (one kept open would keep the test process from exiting). */
async function onCluster(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: testClusterUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Everything a PostgreSQL database holds in its tables, as text (every
 * value of every row of every table of the public schema, unquoted): what "no secrets at rest" searches,
 * as it searches a SQLite file's bytes.
 */
export async function postgresTablesText(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by tablename`);
    const parts: string[] = [];
    for (const { name } of tables.rows) {
      const rows = await client.query<Record<string, unknown>>(`select * from "${name.replace(/"/g, '""')}"`);
      for (const row of rows.rows) parts.push(...Object.values(row).map((value) => (Buffer.isBuffer(value) ? value.toString('latin1') : String(value))));
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

/**
 * Why a PostgreSQL-only test does not run in this project (the `sqlite`
 * one, or no PostgreSQL here): printed once per file, so a skip is never
 * silent. Undefined in the `postgres` project, where it runs (and where CI
 * requires PostgreSQL: see vitest.config.ts).
 */
export function postgresOnly(what: string): string | undefined {
  if (TEST_DIALECT === 'postgres') return undefined;
  const reason = `${what} runs in the postgres project only (vitest --project postgres; locally it needs Debian's postgresql or OAUTH_CONSOLE_TEST_PG_URL)`;
  console.warn(`skipped: ${reason}`);
  return reason;
}

/** An empty database of its own on the test cluster (not migrated), and how to drop it. */
export async function emptyTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  // Under the test prefix: the global teardown drops what a failed test leaves.
  const name = `${TEST_DATABASE_PREFIX}e_${randomBytes(8).toString('hex')}`;
  await onCluster(`create database "${name}"`);
  return {
    url: databaseUrl(name),
    drop: () => onCluster(`drop database if exists "${name}" with (force)`),
  };
}
