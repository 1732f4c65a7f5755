import { sql, type Kysely } from 'kysely';

/** The columns a listing reads to decide a row's status, carried in the index so no row is fetched to filter (as in 0002). */
const STATUS = ['revoked_at', 'consumed_at', 'expires_at'];

/** Each index this migration makes partial: its table, its columns, and the column it needs set. */
const SPARSE: Array<{ name: string; table: string; columns: string[]; column: string }> = [
  { name: 'oidc_models_uid', table: 'oidc_models', columns: ['kind', 'uid'], column: 'uid' },
  { name: 'oidc_models_list_account', table: 'oidc_models', columns: ['account_id', 'kind', 'created_at', 'id', ...STATUS], column: 'account_id' },
  { name: 'oidc_models_list_grant', table: 'oidc_models', columns: ['grant_id', 'kind', 'created_at', 'id'], column: 'grant_id' },
  { name: 'events_account', table: 'events', columns: ['account_id', 'id'], column: 'account_id' },
];

/**
 * Indexes on a column that most rows leave empty hold only the rows that
 * have it (partial indexes, `where … is not null`), so a write of a row
 * without it skips that index tree. A client-credentials token has no
 * user, no grant and no interaction uid: its insert wrote 9 index trees of
 * `oidc_models` and now 6, and its activity events (no user) skip
 * `events_account`. Every query these indexes serve compares the column
 * with `=` or `in`, which implies `is not null`, so SQLite and PostgreSQL
 * still use them (test/unit/sparse-indexes.test.ts checks the plans).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const { name, table, columns, column } of SPARSE) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on(table).columns(columns).where(sql.ref(column), 'is not', null).execute();
  }
}
