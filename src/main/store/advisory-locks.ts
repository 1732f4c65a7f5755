import { sql } from 'kysely';
import { currentUnit, type Db } from './database';
import { dialectOf } from './dialect';

/**
 * The jobs that run once across the instances on one PostgreSQL database,
 * each under its own advisory lock, named like `serializeOn`'s
 * (`hashtext('oauth-console:<job>')`), so other software on the same
 * database keeps its own numbers. A job whose lock another instance holds
 * is skipped: that instance is doing it now.
 */
export const JOBS = {
  /** Deleting expired sessions, interactions, replay records, pushed requests, managed-PKCE challenges. */
  sweepExpired: 'sweep-expired',
  /** Deleting activity older than the retention. */
  activityRetention: 'activity-retention',
  /** Deleting webhook endpoints whose deliveries are all done. */
  webhookPurge: 'webhook-purge',
} as const;
export type Job = keyof typeof JOBS;

/** The advisory lock key of a name, as SQL (PostgreSQL hashes the text itself). */
export function lockKey(name: string): ReturnType<typeof sql> {
  return sql`hashtext(${`oauth-console:${name}`})`;
}

/**
 * Takes the job's lock for the caller's unit of work if no other instance
 * holds it (a transaction-level lock: released by the unit's commit or
 * rollback, or by PostgreSQL when the instance's connection dies, so a
 * `kill -9` never leaves one behind); false when another holds it. Always
 * true on SQLite: one file has one writer at a time, on one machine.
 */
export async function tryJobLock(db: Db, job: Job): Promise<boolean> {
  if (dialectOf(db) !== 'postgres') return true;
  if (!currentUnit(db)) throw new Error(`the ${job} lock is held by a unit of work: take it inside unitOfWork`);
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${lockKey(JOBS[job])}) as locked`.execute(db);
  return rows[0]?.locked === true;
}
