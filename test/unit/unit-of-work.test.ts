import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, unitOfWork, type Db } from '../../src/main/store/database';
import { ActivityLog } from '../../src/main/store/events-store';
import { SettingsStore } from '../../src/main/store/settings-store';
import { makeTempDir } from '../helpers/server';

describe('units of work', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(join(await makeTempDir(), 'units.sqlite'));
  });
  afterAll(() => db.destroy());
  beforeEach(async () => {
    await db.deleteFrom('settings').where('key', 'like', 'u_%').execute();
    await db.deleteFrom('events').execute();
  });

  const value = async (key: string) => (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  const bump = async (key: string) => {
    const current = Number((await value(key)) ?? 0);
    await new Promise((r) => setTimeout(r, 1));
    await db.insertInto('settings').values({ key, value: String(current + 1) }).onConflict((oc) => oc.column('key').doUpdateSet({ value: String(current + 1) })).execute();
  };

  it('makes a read-then-write through the plain handle atomic against other units', async () => {
    await Promise.all(Array.from({ length: 20 }, () => unitOfWork(db, () => bump('u_counter'))));
    expect(await value('u_counter')).toBe('20');
  });

  it('without units the same read-then-write loses updates (the race the units remove)', async () => {
    await Promise.all(Array.from({ length: 20 }, () => bump('u_racy')));
    expect(Number(await value('u_racy'))).toBeLessThan(20);
  });

  it('rolls back when the work throws, or when keep says no', async () => {
    await expect(
      unitOfWork(db, async () => {
        await db.insertInto('settings').values({ key: 'u_thrown', value: '1' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await value('u_thrown')).toBeUndefined();
    const status = await unitOfWork(
      db,
      async () => {
        await db.insertInto('settings').values({ key: 'u_kept', value: '1' }).execute();
        return 500;
      },
      (s) => s < 500,
    );
    expect(status).toBe(500);
    expect(await value('u_kept')).toBeUndefined();
  });

  it('turns a nested transaction into a savepoint: its rollback keeps the rest of the unit', async () => {
    await unitOfWork(db, async () => {
      await db.insertInto('settings').values({ key: 'u_outer', value: '1' }).execute();
      await expect(
        db.transaction().execute(async (trx) => {
          await trx.insertInto('settings').values({ key: 'u_inner', value: '1' }).execute();
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await db.transaction().execute((trx) => trx.insertInto('settings').values({ key: 'u_inner2', value: '1' }).execute());
    });
    expect(await value('u_outer')).toBe('1');
    expect(await value('u_inner')).toBeUndefined();
    expect(await value('u_inner2')).toBe('1');
  });

  it('writes the events of a unit with its change, announces them after the commit, and drops them with a rollback (warnings kept)', async () => {
    const activity = new ActivityLog(db);
    const announced: string[] = [];
    activity.on('event', (e) => announced.push(e.type));
    await unitOfWork(db, async () => {
      activity.record({ type: 'settings.updated' });
      await db.insertInto('settings').values({ key: 'u_evt', value: '1' }).execute();
      expect(announced).toEqual([]);
    });
    expect(announced).toEqual(['settings.updated']);
    await unitOfWork(
      db,
      async () => {
        activity.record({ type: 'token.issued' });
        activity.record({ type: 'server.error', level: 'error' });
        await db.insertInto('settings').values({ key: 'u_evt2', value: '1' }).execute();
      },
      () => false,
    );
    await activity.flush();
    const types = (await db.selectFrom('events').select('type').orderBy('id').execute()).map((r) => r.type);
    expect(types).toEqual(['settings.updated', 'server.error']);
  });

  it('opens nothing for a unit that makes no query: a plain query meanwhile does not wait for it', async () => {
    const slow = unitOfWork(db, () => new Promise<string>((r) => setTimeout(() => r('unit'), 200)));
    const first = await Promise.race([db.selectFrom('settings').select('key').execute().then(() => 'query'), slow]);
    expect(first).toBe('query');
    await slow;
  });

  it('after a statement aborts the transaction (a full database), later statements of the unit fail too, and nothing lands', async () => {
    const file = join(await makeTempDir(), 'small.sqlite');
    const small = await openStore(file);
    try {
      const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(small)).rows[0]!.page_count);
      await sql.raw(`pragma max_page_count = ${pages + 2}`).execute(small);
      const big = 'x'.repeat(64 * 1024);
      await expect(
        unitOfWork(small, async () => {
          await small.insertInto('settings').values({ key: 'u_a', value: '1' }).execute();
          await small.insertInto('settings').values({ key: 'u_big', value: big }).execute().catch(() => undefined);
          await small.insertInto('settings').values({ key: 'u_b', value: '1' }).execute();
        }),
      ).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      const keys = (await small.selectFrom('settings').select('key').where('key', 'like', 'u_%').execute()).map((r) => r.key);
      expect(keys).toEqual([]);
    } finally {
      await small.destroy();
    }
  });

  it('a query the unit left in flight runs on its own after the unit, never inside the next unit', async () => {
    let stray: Promise<unknown> = Promise.resolve();
    await unitOfWork(db, async () => {
      await db.selectFrom('settings').select('key').execute();
      // Handed the unit's connection now, executed after the unit ended (as the engine's
      // Promise.all of a rejected branch can leave one).
      stray = db.connection().execute(async (conn) => {
        await new Promise((r) => setTimeout(r, 20));
        await conn.insertInto('settings').values({ key: 'u_stray', value: '1' }).execute();
      });
    });
    // The next unit holds the connection, in its transaction, while the stray query arrives; it rolls back.
    await unitOfWork(
      db,
      async () => {
        await db.insertInto('settings').values({ key: 'u_next', value: '1' }).execute();
        await new Promise((r) => setTimeout(r, 60));
      },
      () => false,
    );
    await stray;
    expect(await value('u_stray')).toBe('1');
    expect(await value('u_next')).toBeUndefined();
  });

  it('keeps a settings change out of memory until its unit commits, and forgets it on rollback', async () => {
    const settings = new SettingsStore(db);
    await settings.load();
    const before = settings.current.accessTokenTtl;
    await unitOfWork(
      db,
      async () => {
        await settings.update({ accessTokenTtl: before + 1 });
        expect(settings.current.accessTokenTtl).toBe(before + 1); // its own unit sees it
      },
      () => false,
    );
    expect(settings.current.accessTokenTtl).toBe(before);
    expect((await new SettingsStore(db).load()).accessTokenTtl).toBe(before);
    await unitOfWork(db, () => settings.update({ accessTokenTtl: before + 2 }));
    expect(settings.current.accessTokenTtl).toBe(before + 2);
  });

  it('refuses a second transaction while one is open in the unit, rather than crossing savepoints', async () => {
    await expect(
      unitOfWork(db, async () => {
        let release: () => void = () => undefined;
        const held = new Promise<void>((r) => (release = r));
        const first = db.transaction().execute(async (trx) => {
          await trx.insertInto('settings').values({ key: 'u_t1', value: '1' }).execute();
          await held;
        });
        await new Promise((r) => setTimeout(r, 10));
        const second = db.transaction().execute((trx) => trx.insertInto('settings').values({ key: 'u_t2', value: '1' }).execute());
        await expect(second).rejects.toThrow(/one transaction at a time/);
        release();
        await first;
      }),
    ).resolves.toBeUndefined();
    expect(await value('u_t1')).toBe('1');
    expect(await value('u_t2')).toBeUndefined();
  });
});
