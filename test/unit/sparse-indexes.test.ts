import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../src/main/store/database';
import { makeTempDir } from '../helpers/server';

/**
 * Migration 0009 made four indexes partial (`where <column> is not null`).
 * SQLite uses a partial index only for a query whose WHERE implies the
 * index's; these are the shapes of the store's queries on those columns
 * (oidc-models-store, grants-store, tokens-store, events-store), and each
 * must still be answered through its index, not by a scan.
 */
describe('the partial indexes of migration 0009', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(join(await makeTempDir(), 'store.sqlite'));
  });
  afterAll(() => db.destroy());

  const plan = async (query: string) => (await sql<{ detail: string }>`explain query plan ${sql.raw(query)}`.execute(db)).rows.map((r) => r.detail).join(' | ');

  it.each([
    ['oidc_models_uid', `select "payload", "revoked_at" from "oidc_models" where "kind" = 'Interaction' and "uid" = 'u1' limit 1`],
    ['oidc_models_list_grant', `update "oidc_models" set "revoked_at" = 1 where "grant_id" = 'g1' and "kind" = 'AccessToken' and "revoked_at" is null`],
    ['oidc_models_list_grant', `select "grant_id", count(*) from "oidc_models" where "grant_id" in ('g1', 'g2') and "kind" = 'AccessToken' group by "grant_id"`],
    ['oidc_models_list_grant', `select "id" from "oidc_models" where "grant_id" = (select "grant_id" from "oidc_models" where "kind" = 'RefreshToken' and "id" = 'r1')`],
    ['oidc_models_list_account', `select "id" from "oidc_models" where "account_id" = 'usr_1' and "kind" = 'AccessToken' order by "created_at" desc, "id" desc limit 50`],
    ['events_account', `select "id" from "events" where "account_id" = 'usr_1' order by "id" desc limit 50`],
  ])('%s serves: %s', async (index, query) => {
    expect(await plan(query)).toMatch(new RegExp(`USING (COVERING )?INDEX ${index}\\b`));
  });

  it('a row without the column is not in the index', async () => {
    const rows = await sql<{ sql: string }>`select "sql" from "sqlite_master" where "name" in ('oidc_models_uid', 'oidc_models_list_account', 'oidc_models_list_grant', 'events_account')`.execute(db);
    expect(rows.rows).toHaveLength(4);
    for (const row of rows.rows) expect(row.sql).toMatch(/where "\w+" is not null$/);
  });
});
