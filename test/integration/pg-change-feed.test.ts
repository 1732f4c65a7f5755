import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../src/main/store/change-feed';
import type { Db } from '../../src/main/store/database';
import { PgChangeFeed } from '../../src/main/store/pg-change-feed';
import { emptyTestDatabase, postgresOnly } from '../helpers/postgres';

const skipped = postgresOnly('the LISTEN/NOTIFY change feed test');

/** Resolves once `check` holds (polled), or fails after `ms`. */
async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(skipped !== undefined)('the change feed over LISTEN/NOTIFY (real PostgreSQL)', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Db;
  const feeds: PgChangeFeed[] = [];
  const open = async () => {
    const feed = await PgChangeFeed.start({ db, connection: { connectionString: database.url }, pingIntervalMs: 200, pingTimeoutMs: 1_000, retryMaxMs: 200 });
    feeds.push(feed);
    const heard: Array<{ change: Change; fromSelf: boolean }> = [];
    let resyncs = 0;
    feed.subscribe((change, fromSelf) => heard.push({ change, fromSelf }));
    feed.onResync(() => resyncs++);
    return { feed, heard, resyncs: () => resyncs };
  };

  beforeAll(async () => {
    database = await emptyTestDatabase();
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database.url, max: 4 }) }) }) as unknown as Db;
  });
  afterAll(async () => {
    for (const feed of feeds) await feed.close();
    await db?.destroy();
    await database?.drop();
  });

  it('tells every instance what changed, the writer once and marked as its own', async () => {
    const a = await open();
    const b = await open();
    a.feed.publish({ kind: 'clients', id: 'oc_app_x' });
    await until(() => b.heard.length === 1);
    expect(b.heard).toEqual([{ change: { kind: 'clients', id: 'oc_app_x' }, fromSelf: false }]);
    // The writer hears it at once, as its own, and not a second time from PostgreSQL.
    await new Promise((r) => setTimeout(r, 100));
    expect(a.heard).toEqual([{ change: { kind: 'clients', id: 'oc_app_x' }, fromSelf: true }]);
  });

  it('gathers committed activity ids into one message of ranges', async () => {
    const a = await open();
    const b = await open();
    for (const id of [5, 6, 7, 9]) a.feed.publish({ kind: 'events', ranges: [[id, id]] });
    await until(() => b.heard.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(b.heard).toEqual([{ change: { kind: 'events', ranges: [[5, 7], [9, 9]] }, fromSelf: false }]);
  });

  it('ignores what is not its own message on its channel', async () => {
    const a = await open();
    await sql`select pg_notify('oauth_console_changes', 'not json')`.execute(db);
    await sql`select pg_notify('oauth_console_changes', ${JSON.stringify({ from: 'x', changes: [{ kind: 'bogus' }] })})`.execute(db);
    const b = await open();
    b.feed.publish({ kind: 'settings' });
    await until(() => a.heard.length === 1);
    expect(a.heard[0]!.change).toEqual({ kind: 'settings' });
    expect(a.feed.listening).toBe(true);
  });

  it('resyncs when its LISTEN connection is killed, reconnects, and hears again', async () => {
    const a = await open();
    const b = await open();
    const pid = b.feed.listenerPid;
    expect(pid).toBeGreaterThan(0);
    await sql`select pg_terminate_backend(${pid}::int)`.execute(db);
    await until(() => b.resyncs() >= 1);
    // Once it listens again it resyncs once more (what was announced meanwhile is unknown).
    await until(() => b.feed.listening && b.feed.listenerPid !== pid && b.resyncs() >= 2);
    a.feed.publish({ kind: 'keys' });
    await until(() => b.heard.some((h) => h.change.kind === 'keys'));
  });

  it('refuses to start when it cannot listen', async () => {
    const url = new URL(database.url);
    url.port = '1';
    await expect(PgChangeFeed.start({ db, connection: { connectionString: url.toString() } })).rejects.toThrow();
  });
});
