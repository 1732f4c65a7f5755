import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelAdapter } from '../../src/main/oauth/model-adapter';
import { sha256Hex } from '../../src/main/secrets/crypto';
import { latestSchemaVersion, openStore, schemaVersion, type Db } from '../../src/main/store/database';
import { makeTempDir } from '../helpers/server';

describe('the SQLite store', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(join(await makeTempDir(), 'store.sqlite'));
  });
  afterAll(() => db.destroy());

  it('applies migrations and settings: WAL, foreign keys, busy timeout', async () => {
    expect(await schemaVersion(db)).toBe(latestSchemaVersion);
    expect((await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db)).rows[0]!.journal_mode).toBe('wal');
    expect((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]!.foreign_keys).toBe(1);
    expect((await sql<{ timeout: number }>`pragma busy_timeout`.execute(db)).rows[0]!.timeout).toBe(5000);
  });

  it('serializes transactions on the single connection', async () => {
    await db.insertInto('settings').values({ key: 'counter', value: '0' }).execute();
    // Read-modify-write in concurrent transactions: without serialization updates are lost or SQLite errors.
    await Promise.all(
      Array.from({ length: 25 }, () =>
        db.transaction().execute(async (trx) => {
          const row = await trx.selectFrom('settings').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
          await new Promise((r) => setTimeout(r, 1));
          await trx.updateTable('settings').set({ value: String(Number(row.value) + 1) }).where('key', '=', 'counter').execute();
        }),
      ),
    );
    const row = await db.selectFrom('settings').select('value').where('key', '=', 'counter').executeTakeFirstOrThrow();
    expect(row.value).toBe('25');
  });

  it('rolls a failed transaction back', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('settings').values({ key: 'doomed', value: '1' }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.selectFrom('settings').selectAll().where('key', '=', 'doomed').executeTakeFirst()).toBeUndefined();
  });

  it('enforces foreign keys', async () => {
    await expect(db.insertInto('memberships').values({ workspace_id: 'nope', user_id: 'nope', role: 'OWNER', created_at: 1 }).execute()).rejects.toThrow(/FOREIGN KEY/);
  });
});

describe('the engine adapter', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(join(await makeTempDir(), 'adapter.sqlite'));
  });
  afterAll(() => db.destroy());

  it('stores ids hashed, the payload without its jti, and gives the id back on read', async () => {
    const adapter = new ModelAdapter(db, 'AccessToken');
    await adapter.upsert('oc_at_secretvalue', { jti: 'oc_at_secretvalue', clientId: 'c1', accountId: 'u1', grantId: 'g1', scope: 'openid', kind: 'AccessToken' }, 60);
    const row = await db.selectFrom('oidc_models').selectAll().executeTakeFirstOrThrow();
    expect(row.id).toBe(sha256Hex('oc_at_secretvalue'));
    expect(row.payload).not.toContain('secretvalue');
    expect(row.grant_id).toBe(sha256Hex('g1'));
    expect(row.expires_at! - row.created_at).toBe(60_000);
    expect(await adapter.find('oc_at_secretvalue')).toMatchObject({ jti: 'oc_at_secretvalue', clientId: 'c1' });
    expect(await adapter.find('oc_at_other')).toBeUndefined();
  });

  it('marks consumed codes in the payload and keeps revoked tokens as rows', async () => {
    const codes = new ModelAdapter(db, 'AuthorizationCode');
    await codes.upsert('oc_code_1', { jti: 'oc_code_1', grantId: 'g2', kind: 'AuthorizationCode' }, 300);
    await codes.consume('oc_code_1');
    expect((await codes.find('oc_code_1'))!.consumed).toBeTypeOf('number');

    const tokens = new ModelAdapter(db, 'RefreshToken');
    await tokens.upsert('oc_rt_1', { jti: 'oc_rt_1', grantId: 'g2', kind: 'RefreshToken' }, 300);
    await tokens.revokeByGrantId('g2');
    expect(await tokens.find('oc_rt_1')).toBeUndefined();
    const kept = await db.selectFrom('oidc_models').select(['revoked_at']).where('id', '=', sha256Hex('oc_rt_1')).executeTakeFirstOrThrow();
    expect(kept.revoked_at).toBeTypeOf('number');
    // revokeByGrantId is per model: the code of the same grant is untouched by the RefreshToken adapter.
    expect(await codes.find('oc_code_1')).toBeDefined();
  });

  it('consumes once: a second consume (two writers met) is invalid_grant and revokes what the grant issued, and the grant', async () => {
    const codes = new ModelAdapter(db, 'AuthorizationCode');
    const tokens = new ModelAdapter(db, 'AccessToken');
    const grants = new ModelAdapter(db, 'Grant');
    await grants.upsert('g9', { jti: 'g9', kind: 'Grant' }, 300);
    await codes.upsert('oc_code_9', { jti: 'oc_code_9', grantId: 'g9', kind: 'AuthorizationCode' }, 300);
    await tokens.upsert('oc_at_9', { jti: 'oc_at_9', grantId: 'g9', kind: 'AccessToken' }, 300);
    const [first, second] = await Promise.allSettled([codes.consume('oc_code_9'), codes.consume('oc_code_9')]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { error: 'invalid_grant' } });
    expect(await tokens.find('oc_at_9')).toBeUndefined();
    expect(await grants.find('g9')).toBeUndefined();
  });

  it('deletes transient models (sessions, interactions) on destroy', async () => {
    const sessions = new ModelAdapter(db, 'Session');
    await sessions.upsert('sess1', { jti: 'sess1', uid: 'uid1', kind: 'Session' }, 60);
    expect(await sessions.findByUid('uid1')).toMatchObject({ uid: 'uid1' });
    await sessions.destroy('sess1');
    expect(await db.selectFrom('oidc_models').selectAll().where('kind', '=', 'Session').execute()).toEqual([]);
  });

  it('ignores hostile ids', async () => {
    const adapter = new ModelAdapter(db, 'AccessToken');
    expect(await adapter.find('x'.repeat(10_000))).toBeUndefined();
    expect(await adapter.find(undefined as unknown as string)).toBeUndefined();
  });
});

describe('the sweeper', () => {
  it('removes expired transient rows and keeps expired tokens for the console', async () => {
    const { sweepExpired } = await import('../../src/main/store/sweeper');
    const db = await openStore(join(await makeTempDir(), 'sweep.sqlite'));
    const sessions = new ModelAdapter(db, 'Session');
    const tokens = new ModelAdapter(db, 'AccessToken');
    await sessions.upsert('old', { jti: 'old', kind: 'Session' }, 1);
    await sessions.upsert('fresh', { jti: 'fresh', kind: 'Session' }, 3600);
    await tokens.upsert('oc_at_old', { jti: 'oc_at_old', kind: 'AccessToken' }, 1);
    expect(await sweepExpired(db, Date.now() + 5000)).toBe(1);
    const kinds = await db.selectFrom('oidc_models').select('kind').orderBy('kind').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['AccessToken', 'Session']);
    await db.destroy();
  });
});

describe('the activity log', () => {
  it('writes events in batches, in order, with credentials redacted', async () => {
    const { ActivityLog } = await import('../../src/main/store/events-store');
    const db = await openStore(join(await makeTempDir(), 'events.sqlite'));
    const log = new ActivityLog(db);
    const seen: number[] = [];
    log.on('event', (e) => seen.push(e.id));
    for (let i = 0; i < 450; i++) log.record({ type: 'server.error', detail: { i, client_secret: 'oc_sec_should_not_land' } });
    await log.flush();
    expect(seen).toHaveLength(450);
    expect(seen.every((id, i) => i === 0 || id > seen[i - 1]!)).toBe(true);
    const rows = await db.selectFrom('events').select(['id', 'detail']).orderBy('id').execute();
    expect(rows).toHaveLength(450);
    expect(JSON.parse(rows[449]!.detail)).toEqual({ i: 449, client_secret: '[redacted]' });
    await db.destroy();
  });
});
