import { sql } from 'kysely';
import { currentUnit, type Db } from './database';
import { dialectOf } from './dialect';

/** Every advisory lock of OAuth Console is `(LOCK_SPACE, job)`, so other software on the same database keeps its own numbers. */
export const LOCK_SPACE = 0x6f63; // "oc"

/**
 * The jobs that run once across the instances on one PostgreSQL database,
 * each under its own lock: a transaction-level advisory lock, taken inside
 * the job's unit of work and released by its commit or rollback, or by
 * PostgreSQL when the instance's connection dies (a `kill -9` never leaves a
 * lock behind).
 */
export const JOB_LOCKS = {
  /** An instance's first steps on the database: keys, demo data, seed file (a session lock, waited for: pg-startup-lock.ts). */
  startup: 1,
  /** Deleting expired sessions, interactions, replay records, pushed requests, managed-PKCE challenges (tried). */
  sweepExpired: 2,
  /** Deleting activity older than the retention (tried). */
  activityRetention: 3,
  /** Deleting webhook endpoints whose deliveries are all done (tried). */
  webhookPurge: 4,
  /** A signing-key rotation (waited for: two at once would leave two active keys per algorithm). */
  keyRotation: 5,
} as const;
export type JobLock = keyof typeof JOB_LOCKS;

function inUnit(db: Db, what: string): void {
  if (!currentUnit(db)) throw new Error(`the ${what} lock is held by a unit of work: take it inside unitOfWork`);
}

/**
 * Waits for `lock` and holds it until the caller's unit of work ends. On
 * SQLite there is nothing to take: one file has one writer at a time, and
 * it belongs to one machine.
 */
export async function holdJobLock(db: Db, lock: JobLock): Promise<void> {
  if (dialectOf(db) !== 'postgres') return;
  inUnit(db, lock);
  await sql`select pg_advisory_xact_lock(${LOCK_SPACE}::int4, ${JOB_LOCKS[lock]}::int4)`.execute(db);
}

/**
 * Takes `lock` for the caller's unit of work if no other instance holds it;
 * false when one does (that instance is doing the job now, so this one
 * skips it). Always true on SQLite.
 */
export async function tryJobLock(db: Db, lock: JobLock): Promise<boolean> {
  if (dialectOf(db) !== 'postgres') return true;
  inUnit(db, lock);
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${LOCK_SPACE}::int4, ${JOB_LOCKS[lock]}::int4) as locked`.execute(db);
  return rows[0]?.locked === true;
}
