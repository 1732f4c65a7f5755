import { stat } from 'node:fs/promises';
import { Kysely, Migrator, sql } from 'kysely';
import { Sqlite3Dialect } from './sqlite-dialect';
import type { SqliteDriver } from './sqlite-driver';
import type { UnitOfWork } from './unit-of-work';
import { StaticMigrationProvider, migrations } from './migrations';
import type { Database } from './schema';

export type Db = Kysely<Database>;

/** Raised when the database file cannot be opened or migrated. */
export class StoreOpenError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreOpenError';
  }
}

/**
 * Opens (creating if needed) the SQLite file, applies pragmas and every
 * pending migration, and returns the Kysely handle.
 */
export async function openStore(file: string): Promise<Db> {
  const dialect = new Sqlite3Dialect(file);
  const db = new Kysely<Database>({ dialect });
  drivers.set(db, dialect.driver);
  try {
    await sql`pragma journal_mode = wal`.execute(db);
    await sql`pragma foreign_keys = on`.execute(db);
    await sql`pragma busy_timeout = 5000`.execute(db);
    await sql`pragma synchronous = normal`.execute(db);
    if (await isSmall(file)) {
      const verdict = await integrityProblem(db);
      if (verdict) throw new Error(verdict);
    }
    const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${errorText(error)}`);
    }
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw new StoreOpenError(`cannot open database ${file}: ${errorText(err)}`, { cause: err });
  }
  return db;
}

const drivers = new WeakMap<Db, SqliteDriver>();

function driverOf(db: Db): SqliteDriver {
  const driver = drivers.get(db);
  if (!driver) throw new Error('this database handle was not opened by openStore');
  return driver;
}

/**
 * Runs `fn` as one transaction (see {@link UnitOfWork}): every query it makes,
 * directly or deep in the engine, sees and changes the store as if alone.
 * `keep` decides from the result whether to commit (default: always); a
 * throw rolls back.
 *
 * @example
 * await unitOfWork(db, () => next(), () => ctx.status < 500);
 */
export function unitOfWork<T>(db: Db, fn: () => Promise<T>, keep?: (result: T) => boolean): Promise<T> {
  return driverOf(db).unitOfWork(fn, keep);
}

/** The unit of work the caller runs in, if any. */
export function currentUnit(db: Db): UnitOfWork | undefined {
  return drivers.get(db)?.currentUnit();
}

/** Below this size the integrity check runs before start; above it, after (it reads the whole file). */
const CHECK_BEFORE_START_BYTES = 64 * 1024 * 1024;

async function isSmall(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size < CHECK_BEFORE_START_BYTES;
  } catch {
    return true;
  }
}

/**
 * Runs SQLite's quick integrity check; returns a description of the damage,
 * or null when the file is sound.
 */
export async function integrityProblem(db: Db): Promise<string | null> {
  const check = await sql<{ quick_check: string }>`pragma quick_check`.execute(db);
  const verdict = check.rows[0]?.quick_check;
  return verdict === 'ok' ? null : `integrity check failed: ${verdict ?? 'no answer'}`;
}

/** True when the store was opened without its integrity check (a large file): run it after start. */
export async function needsLateIntegrityCheck(file: string): Promise<boolean> {
  return !(await isSmall(file));
}

/** The name of the newest applied migration: the schema version. */
export async function schemaVersion(db: Db): Promise<string> {
  const row = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return row.rows[0]?.name ?? 'none';
}

export const latestSchemaVersion = Object.keys(migrations).sort().at(-1)!;

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') return 'the file is not a SQLite database (corrupt or foreign file)';
    if (code === 'SQLITE_CANTOPEN') return 'the file cannot be opened (check the folder exists and is writable)';
    if (code === 'SQLITE_CORRUPT') return 'the database file is corrupt';
    if (code === 'SQLITE_READONLY') return 'the database file is read-only';
    return err.message;
  }
  return String(err);
}
