import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CompiledQuery, Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, unitOfWork, type Db } from '../../src/main/store/database';
import { installQueryInterceptor } from '../../src/main/store/query-interceptor';
import { SqliteDialect } from '../../src/main/store/sqlite-dialect';
import { fromNodeSqliteError } from '../../src/main/store/sqlite-errors';
import { makeTempDir } from '../helpers/server';

const open: Db[] = [];
afterEach(async () => {
  installQueryInterceptor(undefined);
  for (const db of open.splice(0)) await db.destroy();
});

async function store(file?: string): Promise<Db> {
  const db = await openStore(file ?? join(await makeTempDir(), 'driver.sqlite'));
  open.push(db);
  return db;
}

function raw(file: string, readOnly = false): Kysely<unknown> {
  return new Kysely<unknown>({ dialect: new SqliteDialect(file, { readOnly }) });
}

describe('node:sqlite errors in SQLite code names', () => {
  it('names the primary code of an extended one, keeps the original as the cause, and leaves other errors alone', () => {
    const original = Object.assign(new Error('disk I/O error'), { code: 'ERR_SQLITE_ERROR', errcode: 778, errstr: 'disk I/O error' });
    const mapped = fromNodeSqliteError(original) as Error & { code: string; errno: number; errcode: number };
    expect(mapped).toMatchObject({ code: 'SQLITE_IOERR', errno: 10, errcode: 778, message: 'SQLITE_IOERR: disk I/O error' });
    expect(mapped.cause).toBe(original);
    const notSqlite = Object.assign(new TypeError('Provided value cannot be bound'), { code: 'ERR_INVALID_ARG_TYPE' });
    expect(fromNodeSqliteError(notSqlite)).toBe(notSqlite);
  });
});

describe('the store driver on node:sqlite', () => {
  it('reports a constraint violation as SQLITE_CONSTRAINT, to onError and to the caller', async () => {
    const seen: Error[] = [];
    const db = await openStore(join(await makeTempDir(), 'c.sqlite'), { onError: (err) => seen.push(err) });
    open.push(db);
    await db.insertInto('settings').values({ key: 'dup', value: '1' }).execute();
    const failure = db.insertInto('settings').values({ key: 'dup', value: '2' }).execute();
    await expect(failure).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT', message: expect.stringMatching(/^SQLITE_CONSTRAINT: UNIQUE constraint failed: settings\.key/) });
    expect(seen.map((e) => (e as Error & { code: string }).code)).toEqual(['SQLITE_CONSTRAINT']);
  });

  it('reports a full database as SQLITE_FULL', async () => {
    const db = await store();
    const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count);
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    await expect(db.insertInto('settings').values({ key: 'big', value: 'x'.repeat(64 * 1024) }).execute()).rejects.toMatchObject({ code: 'SQLITE_FULL' });
  });

  it('binds values as the store always had them bound (as sqlite3 did): booleans as 1/0, undefined as NULL, a Date as ms, whole numbers as integers', async () => {
    const db = raw(':memory:');
    try {
      const row = (
        await sql<Record<string, unknown>>`select ${true} as t, ${false} as f, typeof(${undefined}) as u, ${new Date(1234)} as d, typeof(${5}) as i, cast(${5} as text) as s, typeof(${1.5}) as r`.execute(db)
      ).rows[0];
      expect({ ...row }).toEqual({ t: 1, f: 0, u: 'null', d: 1234, i: 'integer', s: '5', r: 'real' });
    } finally {
      await db.destroy();
    }
  });

  it('reports affected rows and the inserted row id, and rows for `returning`', async () => {
    const db = await store();
    const inserted = await db.insertInto('settings').values([{ key: 'n_a', value: '1' }, { key: 'n_b', value: '1' }]).executeTakeFirst();
    expect(inserted.numInsertedOrUpdatedRows).toBe(2n);
    expect(typeof inserted.insertId).toBe('bigint');
    const updated = await db.updateTable('settings').set({ value: '2' }).where('key', 'like', 'n_%').executeTakeFirst();
    expect(updated.numUpdatedRows).toBe(2n);
    const returned = await db.deleteFrom('settings').where('key', '=', 'n_a').returning('key').execute();
    expect(returned.map((r) => r.key)).toEqual(['n_a']);
  });

  it('keeps working past its statement cache (evicted statements are prepared again)', async () => {
    const db = raw(':memory:');
    try {
      for (let i = 0; i < 300; i++) expect((await sql<{ v: number }>`select ${sql.raw(String(i))} as v`.execute(db)).rows[0]!.v).toBe(i);
      expect((await sql<{ v: number }>`select 0 as v`.execute(db)).rows[0]!.v).toBe(0);
    } finally {
      await db.destroy();
    }
  });

  it('opens read-only: reads work, writes fail with SQLITE_READONLY, and a missing file is neither opened nor created', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'ro.sqlite');
    const writer = await store(file);
    await writer.insertInto('settings').values({ key: 'ro', value: '1' }).execute();
    const reader = raw(file, true);
    try {
      expect((await sql<{ value: string }>`select value from settings where key = 'ro'`.execute(reader)).rows).toEqual([{ value: '1' }]);
      await expect(sql`insert into settings (key, value) values ('ro2', '1')`.execute(reader)).rejects.toMatchObject({ code: 'SQLITE_READONLY' });
    } finally {
      await reader.destroy();
    }
    const missing = raw(join(dir, 'missing.sqlite'), true);
    await expect(sql`select 1`.execute(missing)).rejects.toMatchObject({ code: 'SQLITE_CANTOPEN' });
    await missing.destroy().catch(() => undefined);
    expect(existsSync(join(dir, 'missing.sqlite'))).toBe(false);
  });

  it('runs a unit as one `begin immediate` transaction, a nested transaction as a savepoint, and every statement through the installed interceptor', async () => {
    const seen: string[] = [];
    installQueryInterceptor((query, next) => {
      seen.push(query.sql);
      return next();
    });
    const db = await store();
    seen.length = 0;
    await unitOfWork(db, async () => {
      await db.insertInto('settings').values({ key: 'sp_outer', value: '1' }).execute();
      await db.transaction().execute((trx) => trx.insertInto('settings').values({ key: 'sp_inner', value: '1' }).execute());
    });
    expect(seen.map((q) => q.split(' (')[0])).toEqual(['begin immediate', 'insert into "settings"', 'savepoint unit_1', 'insert into "settings"', 'release unit_1', 'commit']);
  });

  it('lets an interceptor answer a statement instead of the database', async () => {
    const db = await store();
    installQueryInterceptor((query, next) => (query.sql.includes('answered_by_interceptor') ? Promise.resolve({ rows: [{ v: 'intercepted' }] }) : next()));
    // Installed after the store opened: that store's driver keeps running statements without it.
    expect((await db.executeQuery(CompiledQuery.raw("select 'database' as v, 'answered_by_interceptor'"))).rows).toEqual([expect.objectContaining({ v: 'database' })]);
    const later = raw(':memory:');
    try {
      expect((await later.executeQuery(CompiledQuery.raw("select 'database' as v, 'answered_by_interceptor'"))).rows).toEqual([{ v: 'intercepted' }]);
    } finally {
      await later.destroy();
    }
  });
});

describe('loading node:sqlite', () => {
  it('prints no ExperimentalWarning for SQLite, and lets every other warning through', () => {
    const module = pathToFileURL(resolve(import.meta.dirname, '../../src/main/store/node-sqlite-module.ts')).href;
    const script = `const m = await import(${JSON.stringify(module)}); new (m.nodeSqlite().DatabaseSync)(':memory:').close(); process.emitWarning('another one', 'ExperimentalWarning');`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toContain('ExperimentalWarning: another one');
    expect(run.stderr).not.toMatch(/SQLite/);
  });
});
