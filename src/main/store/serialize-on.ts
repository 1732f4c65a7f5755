import { sql } from 'kysely';
import { currentUnit, type Db } from './database';
import { dialectOf } from './dialect';

/**
 * Makes the caller's unit of work the only one past this point for `name`
 * until it ends, for a read-then-write over several rows or rows that may
 * not exist yet (key rotation reads the active keys, inserts new ones and
 * retires the old: a row lock cannot cover the rows about to be inserted).
 *
 * On PostgreSQL it is a transaction-scoped advisory lock, so it must run in a
 * unit (it lasts until the unit's commit or rollback; a statement outside one
 * would release it at once). Every statement after it sees what the previous
 * holder committed (read committed: a fresh snapshot per statement). On
 * SQLite a unit already excludes every other writer (`begin immediate`).
 */
export async function serializeOn(db: Db, name: string): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  if (!currentUnit(db)) throw new Error(`serializeOn(${name}) must run inside a unit of work`);
  await sql`select pg_advisory_xact_lock(hashtext(${`oauth-console:${name}`}))`.execute(db);
}
