import pg from 'pg';
import { JOB_LOCKS, LOCK_SPACE } from './advisory-locks';

/**
 * Runs `fn` (an instance's first steps on the database: its signing keys,
 * cookie keys, demo data and seed file) while holding the start-up lock, a
 * session advisory lock on a connection of its own: instances started
 * together on an empty database take turns, so the second finds the keys
 * the first made instead of making others. The lock goes with the session:
 * an instance killed while starting leaves nothing held.
 */
export async function withPgStartupLock<T>(connection: pg.ClientConfig, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client(connection);
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1::int4, $2::int4)', [LOCK_SPACE, JOB_LOCKS.startup]);
    return await fn();
  } finally {
    await client.end().catch(() => undefined);
  }
}
