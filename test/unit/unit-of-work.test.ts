import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, unitOfWork, type Db } from '../../src/main/store/database';
import { ActivityLog } from '../../src/main/store/events-store';
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
      activity.record({ type: 'u.committed' });
      await db.insertInto('settings').values({ key: 'u_evt', value: '1' }).execute();
      expect(announced).toEqual([]);
    });
    expect(announced).toEqual(['u.committed']);
    await unitOfWork(
      db,
      async () => {
        activity.record({ type: 'u.untrue' });
        activity.record({ type: 'u.why', level: 'error' });
        await db.insertInto('settings').values({ key: 'u_evt2', value: '1' }).execute();
      },
      () => false,
    );
    await activity.flush();
    const types = (await db.selectFrom('events').select('type').orderBy('id').execute()).map((r) => r.type);
    expect(types).toEqual(['u.committed', 'u.why']);
  });

  it('opens nothing for a unit that makes no query', async () => {
    let other = false;
    const slow = unitOfWork(db, () => new Promise((r) => setTimeout(r, 50)));
    // The lock is taken at the first query, so a plain query meanwhile does not wait for the unit.
    await db.selectFrom('settings').select('key').execute().then(() => (other = true));
    expect(other).toBe(true);
    await slow;
  });
});
