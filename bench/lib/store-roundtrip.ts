/**
 * What one SQL statement costs the server, measured in-process on a fresh
 * store (real migrations and seed): the same point SELECT the engine runs on
 * every client lookup (`select * from apps where id = ?`)
 *  - through Kysely and our driver (node:sqlite), one caller at a time;
 *  - the same with 10 concurrent callers (the driver's single connection and
 *    FIFO mutex serialise them, so this is the store's ceiling);
 *  - through node:sqlite directly (no Kysely, no mutex), for the split.
 * Multiplied by the statements a request runs, this bounds requests/s.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/main/store/database';
import { nodeSqlite } from '../../src/main/store/node-sqlite-module';
import { seedDemoData } from '../../src/main/store/seed';

export interface StoreRoundTrip {
  /** One caller, Kysely + driver: µs per statement. */
  kyselySequentialUs: number;
  /** Ten concurrent callers, Kysely + driver: statements per second overall. */
  kyselyConcurrentPerSecond: number;
  /** One caller, node:sqlite directly: µs per statement. */
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

      const raw = new (nodeSqlite().DatabaseSync)(file);
      const get = raw.prepare('select * from "apps" where "id" = ?');
      for (let i = 0; i < 500; i++) get.get(appId);
      t0 = performance.now();
      for (let i = 0; i < statements; i++) get.get(appId);
      const rawSequentialUs = ((performance.now() - t0) * 1000) / statements;
      raw.close();
      return { kyselySequentialUs, kyselyConcurrentPerSecond, rawSequentialUs, statements };
    } finally {
      await db.destroy();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
