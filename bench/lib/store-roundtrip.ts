/**
 * What one SQL statement costs the server, measured in-process on a fresh
 * store (real migrations and seed): the same point SELECT the engine runs on
 * every client lookup (`select * from apps where id = ?`)
 *  - through Kysely and our sqlite3 driver, one caller at a time;
 *  - the same with 10 concurrent callers (the driver's single connection and
 *    FIFO mutex serialise them, so this is the store's ceiling);
 *  - through the sqlite3 addon directly (no Kysely, no mutex), for the split.
 * Multiplied by the statements a request runs, this bounds requests/s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { openStore } from '../../src/main/store/database';
import { seedDemoData } from '../../src/main/store/seed';

export interface StoreRoundTrip {
  /** One caller, Kysely + driver: µs per statement. */
  kyselySequentialUs: number;
  /** Ten concurrent callers, Kysely + driver: statements per second overall. */
  kyselyConcurrentPerSecond: number;
  /** One caller, sqlite3 addon directly: µs per statement. */
  rawSequentialUs: number;
  statements: number;
}

export async function benchStoreRoundTrip(statements = 5000): Promise<StoreRoundTrip> {
  const dir = await mkdtemp(join(tmpdir(), 'oauth-console-bench-store-'));
  const file = join(dir, 'oauth-console.sqlite');
  try {
    const db = await openStore(file);
    let appId: string;
    try {
      appId = (await seedDemoData(db))!.appId;
      const one = () => db.selectFrom('apps').selectAll().where('id', '=', appId).executeTakeFirst();
      for (let i = 0; i < 500; i++) await one(); // warm-up
      let t0 = performance.now();
      for (let i = 0; i < statements; i++) await one();
      const kyselySequentialUs = ((performance.now() - t0) * 1000) / statements;
      t0 = performance.now();
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          for (let i = 0; i < statements / 10; i++) await one();
        }),
      );
      const kyselyConcurrentPerSecond = statements / ((performance.now() - t0) / 1000);

      const raw = await new Promise<sqlite3.Database>((done, fail) => {
        const d = new sqlite3.Database(file, (err) => (err ? fail(err) : done(d)));
      });
      const get = () => new Promise((done, fail) => raw.get('select * from "apps" where "id" = ?', [appId], (err, row) => (err ? fail(err) : done(row))));
      for (let i = 0; i < 500; i++) await get();
      t0 = performance.now();
      for (let i = 0; i < statements; i++) await get();
      const rawSequentialUs = ((performance.now() - t0) * 1000) / statements;
      await new Promise<void>((done) => raw.close(() => done()));
      return { kyselySequentialUs, kyselyConcurrentPerSecond, rawSequentialUs, statements };
    } finally {
      await db.destroy();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
