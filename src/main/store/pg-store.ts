import type pg from 'pg';
import { Kysely, Migrator, sql } from 'kysely';
import { DEFAULT_POOL_SIZE, parseDatabaseUrl } from './database-url';
import { findDriver, registerDriver } from './driver-registry';
import { pgErrorText } from './pg-error-text';
import { StaticMigrationProvider, migrations } from './migrations';
import { PgDialect } from './pg-dialect';
import { PgDriver } from './pg-driver';
import { PgSchemaTypesPlugin } from './pg-schema-types';
import type { Database } from './schema';
import { StoreOpenError } from './store-open-error';

export interface OpenPostgresOptions {
  /** Most pooled connections (each running unit of work holds one). */
  poolSize?: number;
}

/**
 * Connects to the PostgreSQL database of a `postgres://` URL, refuses a
 * schema written by a newer build, applies every pending migration (the
 * same history as SQLite's; Kysely's migrator holds an advisory lock, so
 * instances starting together migrate once) and returns the Kysely handle.
 *
 * No backup is taken before a migration, unlike a SQLite file: a server's
 * backups (pg_dump, base backups, point-in-time recovery) are its
 * operator's, and a migration runs in one transaction, so a failed one
 * leaves the schema as it was.
 */
export async function openPostgresStore(target: string, options: OpenPostgresOptions = {}): Promise<Kysely<Database>> {
  let parsed;
  try {
    parsed = parseDatabaseUrl(target);
  } catch (err) {
    throw new StoreOpenError(`the database URL ${(err as Error).message}`);
  }
  const dialect = new PgDialect({ connectionString: parsed.url, poolSize: options.poolSize ?? DEFAULT_POOL_SIZE });
  const db = new Kysely<Database>({ dialect });
  registerDriver(db, dialect.driver, dialect.driver.connectionString);
  try {
    await sql`select 1`.execute(db);
    await refuseNewerSchema(db, parsed.display);
    await migrate(db);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(`cannot open database ${parsed.display}: ${pgErrorText(err)}`, { cause: err });
  }
  return db;
}

async function executedMigrations(db: Kysely<Database>): Promise<string[]> {
  const table = await sql<{ t: string | null }>`select to_regclass('kysely_migration')::text as t`.execute(db);
  if (!table.rows[0]?.t) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

async function refuseNewerSchema(db: Kysely<Database>, display: string): Promise<void> {
  const unknown = (await executedMigrations(db)).filter((name) => !(name in migrations));
  if (unknown.length === 0) return;
  const known = Object.keys(migrations).sort().at(-1);
  throw new StoreOpenError(
    `cannot open database ${display}: it was migrated by a newer OAuth Console (schema ${unknown.at(-1)}; this build knows up to ${known}): run that newer OAuth Console, or restore the database from a backup taken before that upgrade`,
  );
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db: db.withPlugin(new PgSchemaTypesPlugin()), provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${pgErrorText(error)}`);
  }
}

/** The pool behind a PostgreSQL handle (undefined for SQLite): for work that needs its own connection, such as LISTEN. */
export function postgresPoolOf(db: object): pg.Pool | undefined {
  const driver = findDriver(db);
  return driver instanceof PgDriver ? driver.pool : undefined;
}
