import { join } from 'node:path';
import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentUnit, openStore, unitOfWork, type Db } from '../../src/main/store/database';
import { ActivityLog } from '../../src/main/store/events-store';
import { upsertModel } from '../../src/main/store/oidc-models-store';
import { makeTempDir } from '../helpers/server';

/** Units whose only writes are held back commit together, and a failure lands on its own unit only. */
describe('group commit', () => {
  let db: Db;
  let activity: ActivityLog;
  beforeAll(async () => {
    db = await openStore(join(await makeTempDir(), 'group.sqlite'));
    activity = new ActivityLog(db);
  });
  afterAll(() => db.destroy());

  const row = (id: string) => ({
    kind: 'ClientCredentials',
    id,
    payload: '{}',
    grantId: null,
    clientId: null,
    accountId: null,
    workspaceId: null,
    actor: 'app',
    scope: null,
    uid: null,
    userCode: null,
    createdAt: Date.now(),
    expiresAt: null,
    consumedAt: null,
  });
  const issue = (id: string) =>
    unitOfWork(db, async () => {
      await upsertModel(db, row(id));
      activity.record({ type: 'token.issued', detail: { id } });
    });
  const stored = async (prefix: string) =>
    (await db.selectFrom('oidc_models').select('id').where('id', 'like', `${prefix}%`).execute()).map((r) => r.id).sort();
  const events = async (prefix: string) =>
    (await db.selectFrom('events').select('detail').where('detail', 'like', `%${prefix}%`).execute()).length;

  it('commits concurrent units together, each with its events', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `g1_${String(i).padStart(2, '0')}`);
    await Promise.all(ids.map(issue));
    expect(await stored('g1_')).toEqual(ids);
    expect(await events('g1_')).toBe(12);
  });

  it('a unit that reads after holding a write back sees it (its transaction runs the write first)', async () => {
    const seen = await unitOfWork(db, async () => {
      await upsertModel(db, row('g2_read'));
      return stored('g2_');
    });
    expect(seen).toEqual(['g2_read']);
  });

  it("one member's failing write rolls back only that member: the others commit alone", async () => {
    const bad = unitOfWork(db, async () => {
      await upsertModel(db, row('g3_bad'));
      currentUnit(db)!.defer({ family: 'broken', parameters: [1], statement: () => CompiledQuery.raw('insert into no_such_table values (?)', [1]) });
      activity.record({ type: 'token.issued', detail: { id: 'g3_bad' } });
    });
    const good = ['g3_a', 'g3_b', 'g3_c'].map(issue);
    await expect(bad).rejects.toThrow(/no_such_table/);
    await Promise.all(good);
    expect(await stored('g3_')).toEqual(['g3_a', 'g3_b', 'g3_c']);
    expect(await events('g3_bad')).toBe(0);
    expect(await events('g3_')).toBe(3);
  });

  it('a unit that ends in a rollback writes nothing of what it held back', async () => {
    await unitOfWork(
      db,
      async () => {
        await upsertModel(db, row('g4_dropped'));
        return 500;
      },
      (status) => status < 500,
    );
    expect(await stored('g4_')).toEqual([]);
  });
});
