import type { StoreDriver } from './store-driver';

/**
 * Which driver (SQLite or PostgreSQL) serves a handle `openStore` returned:
 * units of work go through it. Kept apart from `database.ts` so that both
 * store openers can register without importing each other.
 */
const drivers = new WeakMap<object, { driver: StoreDriver; postgresUrl: string | undefined }>();

/** Registers `db`'s driver; `postgresUrl` is the connection string of a PostgreSQL one. */
export function registerDriver(db: object, driver: StoreDriver, postgresUrl?: string): void {
  drivers.set(db, { driver, postgresUrl });
}

/** The driver behind `db`, if `openStore` opened it. */
export function findDriver(db: object): StoreDriver | undefined {
  return drivers.get(db)?.driver;
}

/**
 * The connection string behind a PostgreSQL handle (undefined for SQLite).
 * Here rather than beside the PostgreSQL driver so that a server on SQLite
 * can ask without loading `pg` (see "Cold start and memory" in the README).
 */
export function postgresUrlOf(db: object): string | undefined {
  return drivers.get(db)?.postgresUrl;
}
