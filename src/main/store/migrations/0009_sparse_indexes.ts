import { sql, type Kysely } from 'kysely';

/** The columns a listing reads to decide a row's status, carried in the index so no row is fetched to filter (as in 0002). */
const STATUS = ['revoked_at', 'consumed_at', 'expires_at'];

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
  const notNull = (column: string) => sql.ref(column);
  await db.schema.dropIndex('oidc_models_uid').execute();
  await db.schema.createIndex('oidc_models_uid').on('oidc_models').columns(['kind', 'uid']).where(notNull('uid'), 'is not', null).execute();
  await db.schema.dropIndex('oidc_models_list_account').execute();
  await db.schema
    .createIndex('oidc_models_list_account')
    .on('oidc_models')
    .columns(['account_id', 'kind', 'created_at', 'id', ...STATUS])
    .where(notNull('account_id'), 'is not', null)
    .execute();
  await db.schema.dropIndex('oidc_models_list_grant').execute();
  await db.schema
    .createIndex('oidc_models_list_grant')
    .on('oidc_models')
    .columns(['grant_id', 'kind', 'created_at', 'id'])
    .where(notNull('grant_id'), 'is not', null)
    .execute();
  await db.schema.dropIndex('events_account').execute();
  await db.schema.createIndex('events_account').on('events').columns(['account_id', 'id']).where(notNull('account_id'), 'is not', null).execute();
}
