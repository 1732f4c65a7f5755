import type { StoreDriver } from './store-driver';

/**
 * Which driver (SQLite or PostgreSQL) serves a handle `openStore` returned:
 * units of work go through it. Kept apart from `database.ts` so that both
 * store openers can register without importing each other.
 */
const drivers = new WeakMap<object, StoreDriver>();

export function registerDriver(db: object, driver: StoreDriver): void {
  drivers.set(db, driver);
}

/** The driver behind `db`, if `openStore` opened it. */
export function findDriver(db: object): StoreDriver | undefined {
  return drivers.get(db);
}
