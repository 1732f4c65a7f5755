// PostgreSQL only (vitest.config.ts runs it in the postgres project): the driver's units of work on a real server.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentUnit, openStore, unitOfWork, type Db } from '../../src/main/store/database';
import { dialectOf } from '../../src/main/store/dialect';
import { postgresUrlOf } from '../../src/main/store/driver-registry';
import { postgresPoolOf } from '../../src/main/store/pg-store';
import { databaseForDataDir } from '../helpers/postgres';

describe('PgDriver: units of work on PostgreSQL', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(await databaseForDataDir(`pg-driver-${randomUUID()}`));
  });
  afterAll(() => db.destroy());

  const setting = async (key: string) => (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  const put = (key: string, value = 'x') => db.insertInto('settings').values({ key, value }).execute();

  it('is PostgreSQL, with its pool and URL for work that needs its own connection, and gives bigint as numbers', async () => {
    expect(dialectOf(db)).toBe('postgres');
    expect(postgresPoolOf(db)).toBeDefined();
    expect(postgresUrlOf(db)).toMatch(/^postgres:\/\//);
    const row = await sql<{ n: number; c: number }>`select 1796149378270::bigint as n, count(*) as c from settings`.execute(db);
    expect(row.rows[0]).toEqual({ n: 1796149378270, c: expect.any(Number) });
  });

  it('commits a unit, rolls it back on a throw or when its result is not kept, and says so to its hooks', async () => {
    const seen: string[] = [];
    await unitOfWork(db, async () => {
      await put('kept');
      currentUnit(db)!.afterCommit(() => seen.push('committed'));
    });
    await expect(
      unitOfWork(db, async () => {
        await put('thrown');
        currentUnit(db)!.afterRollback(() => seen.push('rolled back'));
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await unitOfWork(db, () => put('not-kept'), () => false);
    expect([await setting('kept'), await setting('thrown'), await setting('not-kept')]).toEqual(['x', undefined, undefined]);
    expect(seen).toEqual(['committed', 'rolled back']);
  });

  it('runs a transaction inside a unit as a savepoint: its rollback keeps the unit, even after a failed statement in it', async () => {
    await unitOfWork(db, async () => {
      await put('before');
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('settings').values({ key: 'inside', value: 'x' }).execute();
          await trx.insertInto('settings').values({ key: 'before', value: 'dup' }).execute();
        }),
      ).rejects.toMatchObject({ code: '23505' });
      await put('after');
    });
    expect([await setting('before'), await setting('inside'), await setting('after')]).toEqual(['x', undefined, 'x']);
  });

  it('refuses to commit a unit whose failed statement was swallowed: nothing of it is kept', async () => {
    await put('taken');
    await expect(
      unitOfWork(db, async () => {
        await put('lost');
        await put('taken').catch(() => undefined);
        return 'pretends to be fine';
      }),
    ).rejects.toThrow(/the unit of work was not kept: a statement in it failed \(duplicate key/);
    expect(await setting('lost')).toBeUndefined();
    // The pool's client is usable again.
    await unitOfWork(db, () => put('next'));
    expect(await setting('next')).toBe('x');
  });

  it('runs units at once (no global lock): a unit waits only for the row another one holds', async () => {
    await put('row-a');
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = unitOfWork(db, async () => {
      await sql`select value from settings where key = 'row-a' for update`.execute(db);
      locked();
      await holding;
      await db.updateTable('settings').set({ value: 'first' }).where('key', '=', 'row-a').execute();
    });
    await isLocked;
    // Another row, another unit: done while the first still holds its lock.
    await unitOfWork(db, () => put('row-b'));
    expect(await setting('row-b')).toBe('x');
    const second = unitOfWork(db, async () => {
      const row = await sql<{ value: string }>`select value from settings where key = 'row-a' for update`.execute(db);
      return row.rows[0]!.value;
    });
    release();
    await first;
    // The second waited for the first's commit and read what it wrote.
    expect(await second).toBe('first');
  });

  it('runs queries of one unit issued at once one after another on its connection (pg 9 will refuse overlapping ones)', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const values = await unitOfWork(db, () => Promise.all(Array.from({ length: 20 }, (_, i) => sql<{ i: number }>`select ${i}::int as i`.execute(db).then((r) => r.rows[0]!.i))));
      expect(values).toEqual(Array.from({ length: 20 }, (_, i) => i));
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => /already executing a query/.test(w))).toEqual([]);
  });
});
