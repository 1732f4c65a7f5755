import pg from 'pg';

/**
 * Runs `fn` (an instance's first steps on the database: its signing keys,
 * cookie keys and demo data) while holding the start-up lock, a session
 * advisory lock on a connection of its own (the pool's connections do the
 * work meanwhile): instances started together on an empty database take
 * turns, so the second finds the keys the first made instead of making
 * others. The lock goes with the session: an instance killed while starting
 * leaves nothing held.
 */
export async function withPgStartupLock<T>(connectionString: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`select pg_advisory_lock(hashtext('oauth-console:startup'))`);
    return await fn();
  } finally {
    await client.end().catch(() => undefined);
  }
}
