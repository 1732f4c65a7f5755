import { stat } from 'node:fs/promises';
import { Kysely, Migrator, sql } from 'kysely';
import { attachCaches, StoreCaches } from './caches';
import { CacheInvalidationPlugin } from './cache-invalidation';
import { backupDatabase, migrationBackupFile, pruneMigrationBackups } from './backup';
import { checkIntegrity, checkIntegrityBeforeStart, DAMAGE_ADVICE } from './integrity';
import { SqliteDialect } from './sqlite-dialect';
import { isPostgresUrl } from './database-url';
import { dialectOf } from './dialect';
import { findDriver, registerDriver } from './driver-registry';
import type { StoreDriver } from './store-driver';
import { StoreOpenError } from './store-open-error';
import type { UnitOfWork } from './unit-of-work';
import { StaticMigrationProvider, migrations } from './migrations';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export { StoreOpenError };

export interface OpenStoreOptions {
  /** Sees every failed statement (the storage-health tracker watches for a full disk). SQLite only. */
  onError?: (err: Error) => void;
  /** `false` turns off every in-memory cache of the store (see caches.ts); on by default. SQLite only: a PostgreSQL store has none. */
  caches?: boolean;
  /** Most pooled connections to a PostgreSQL server. PostgreSQL only. */
  poolSize?: number;
}

/** The two tables that grow without bound; a big file is mostly them. */
const BIG_TABLES = ['oidc_models', 'events'] as const;

/**
 * Opens the store: a `postgres://` URL connects to that PostgreSQL database
 * (see `openPostgresStore`); anything else is a SQLite file, opened (created
 * if needed) with its pragmas, refused when read-only, damaged or newer,
 * backed up before a pending migration, and migrated.
 */
export async function openStore(target: string, options: OpenStoreOptions = {}): Promise<Db> {
  if (isPostgresUrl(target)) {
    // Loaded on demand: a server on SQLite never loads `pg` (about 18 ms of its start).
    const { openPostgresStore } = await import('./pg-store');
    return openPostgresStore(target, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  }
  const file = target;
  const dialect = new SqliteDialect(file, options.onError ? { onError: options.onError } : {});
  const caches = new StoreCaches({ enabled: options.caches ?? true });
  const db = new Kysely<Database>({ dialect, plugins: [new CacheInvalidationPlugin(caches)] });
  registerDriver(db, dialect.driver);
  attachCaches(db, caches);
  caches.attach(() => currentUnit(db));
  try {
    await sql`pragma journal_mode = wal`.execute(db);
    await sql`pragma foreign_keys = on`.execute(db);
    await sql`pragma busy_timeout = 5000`.execute(db);
    await sql`pragma synchronous = normal`.execute(db);
    await refuseReadOnly(db, file);
    const bytes = await fileBytes(file);
    const damage = bytes < CHECK_BEFORE_START_BYTES ? await checkIntegrity(db) : await checkIntegrityBeforeStart(db, bytes, BIG_TABLES);
    if (damage) throw new StoreDamagedError(file, damage);
    await refuseNewerSchema(db, file);
    await migrate(db, file);
  } catch (err) {
    await db.destroy().catch(() => undefined);
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(`cannot open database ${file}: ${errorText(err)}`, { cause: err });
  }
  return db;
}

function driverOf(db: Db): StoreDriver {
  const driver = findDriver(db);
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
  return findDriver(db)?.currentUnit();
}

/**
 * Runs `fn` as a unit of work (or inside the caller's) whose writes are all
 * rolled back at its end: what a change would do, read back, without keeping
 * it (a dry run). The whole enclosing unit is discarded, not only `fn`'s part.
 */
export function tryWithoutKeeping<T>(db: Db, fn: () => Promise<T>): Promise<T> {
  return unitOfWork(db, async () => {
    currentUnit(db)!.discard();
    return fn();
  });
}

/**
 * Runs `apply` once what the caller wrote is durable: after its unit of
 * work commits (never, if it rolls back), or at once outside a unit. For
 * state held in memory beside the store (the settings, the engine's keys),
 * which must not run ahead of the database.
 */
export function whenCommitted(db: Db, apply: () => void): void {
  const unit = currentUnit(db);
  if (unit) unit.afterCommit(apply);
  else apply();
}

/** The file is damaged: the message says how to recover, in one line. */
export class StoreDamagedError extends StoreOpenError {
  constructor(file: string, damage: string) {
    super(`database ${file} is damaged, ${damage}: ${DAMAGE_ADVICE}`);
    this.name = 'StoreDamagedError';
  }
}

/**
 * SQLite opens a file it may not write read-only without a word, and as
 * root it writes through a file's missing write bits. A write probe finds
 * the first (read-only mount, immutable file, another user's file); the mode
 * finds the second: a file marked read-only stays untouched.
 */
async function refuseReadOnly(db: Db, file: string): Promise<void> {
  const mode = await stat(file).then(
    (s) => s.mode & 0o777,
    () => undefined,
  );
  const advice = 'make it writable (chmod u+w), or choose another --data-dir';
  if (mode !== undefined && (mode & 0o200) === 0) {
    throw new StoreOpenError(`cannot open database ${file}: the file is read-only (mode ${mode.toString(8).padStart(4, '0')}): ${advice}`);
  }
  try {
    await probeWrite(db);
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_READONLY') throw err;
    throw new StoreOpenError(`cannot open database ${file}: the file cannot be written (a read-only file system, an immutable file or another user's file): ${advice}`, { cause: err });
  }
}

/** Writes the file's header page without changing it: fails while the file is read-only or the disk full. */
export async function probeWrite(db: Db): Promise<void> {
  // A PostgreSQL server reports its own full disk on the statement that hit it; there is no file here to probe.
  if (dialectOf(db) === 'postgres') return void (await sql`select 1`.execute(db));
  const row = await sql<{ user_version: number }>`pragma user_version`.execute(db);
  await sql.raw(`pragma user_version = ${Math.trunc(Number(row.rows[0]?.user_version ?? 0))}`).execute(db);
}

/** Below this size the full integrity check runs before start; above it, a cheap one, and the full one after. */
const CHECK_BEFORE_START_BYTES = 64 * 1024 * 1024;

/** The database's bytes on disk, its write-ahead log included (0 for a new file). */
async function fileBytes(file: string): Promise<number> {
  const size = (path: string) =>
    stat(path).then(
      (s) => s.size,
      () => 0,
    );
  return (await size(file)) + (await size(`${file}-wal`));
}

/** True when the store was opened without its full integrity check (a large file): run it after start. */
export async function needsLateIntegrityCheck(file: string): Promise<boolean> {
  return (await fileBytes(file)) >= CHECK_BEFORE_START_BYTES;
}

async function executedMigrations(db: Db): Promise<string[]> {
  const table = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db);
  if (table.rows.length === 0) return [];
  const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/** A file migrated by a newer build has migrations this one does not know: say so, and what to do. */
async function refuseNewerSchema(db: Db, file: string): Promise<void> {
  const unknown = (await executedMigrations(db)).filter((name) => !(name in migrations));
  if (unknown.length === 0) return;
  const backup = migrationBackupFile(file, unknown[0]!);
  const hasBackup = await stat(backup).then(
    () => true,
    () => false,
  );
  throw new StoreOpenError(
    `cannot open database ${file}: it was written by a newer OAuth Console (schema ${unknown.at(-1)}; this build knows up to ${latestSchemaVersion}): ` +
      `run that newer OAuth Console, or put ${hasBackup ? backup : 'the backup taken before that upgrade'} in its place`,
  );
}

/** Applies pending migrations; an existing database is backed up first, next to it. */
async function migrate(db: Db, file: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const executed = await executedMigrations(db);
  const pending = Object.keys(migrations)
    .sort()
    .filter((name) => !executed.includes(name));
  if (executed.length > 0 && pending.length > 0) {
    const backup = migrationBackupFile(file, pending[0]!);
    await backupDatabase(file, backup).catch((err: Error) => {
      throw new StoreOpenError(`cannot open database ${file}: the backup before migration ${pending[0]} failed, so the migration did not run: ${errorText(err)}`, { cause: err });
    });
    await pruneMigrationBackups(file);
  }
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${errorText(error)}`);
  }
}

/** The name of the newest applied migration: the schema version. */
export async function schemaVersion(db: Db): Promise<string> {
  const row = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
  return row.rows[0]?.name ?? 'none';
}

export const latestSchemaVersion = Object.keys(migrations).sort().at(-1)!;

/** The reason, in words, for a SQLite or file-system error. */
export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB') return 'the file is not a SQLite database (corrupt or foreign file)';
    if (code === 'SQLITE_CANTOPEN') return 'the file cannot be opened (check the folder exists and is writable)';
    if (code === 'SQLITE_CORRUPT') return `the database file is damaged: ${DAMAGE_ADVICE}`;
    if (code === 'SQLITE_FULL') return 'the disk is full';
    if (code === 'SQLITE_READONLY') return 'the database file is read-only';
    return err.message;
  }
  return String(err);
}

/** How many rows a table holds (the console's status counts). */
export async function countRows(db: Db, table: 'workspaces' | 'users' | 'apps' | 'events'): Promise<number> {
  const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow();
  return Number(row.c);
}
