import { sql, type Kysely } from 'kysely';

/** The columns a listing reads to decide a row's status, carried in the index so no row is fetched to filter. */
const STATUS = ['revoked_at', 'consumed_at', 'expires_at'];

/**
 * Indexes for the console's lists on a large store: tokens and grants
 * newest first per kind, by app, user, workspace or grant, with keyset
 * paging on (created_at, id); partial indexes for the rare statuses
 * (revoked, consumed) and by expiry for the clock-dependent ones; activity by user and workspace. Replaces the
 * narrower indexes of 0001 that these make redundant.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const name of ['oidc_models_kind_created', 'oidc_models_created', 'oidc_models_client', 'oidc_models_account', 'oidc_models_grant', 'oidc_models_expires']) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
  await db.schema.createIndex('oidc_models_list').on('oidc_models').columns(['kind', 'created_at', 'id', ...STATUS]).execute();
  await db.schema.createIndex('oidc_models_list_client').on('oidc_models').columns(['client_id', 'kind', 'created_at', 'id', ...STATUS]).execute();
  await db.schema.createIndex('oidc_models_list_account').on('oidc_models').columns(['account_id', 'kind', 'created_at', 'id', ...STATUS]).execute();
  await db.schema.createIndex('oidc_models_list_workspace').on('oidc_models').columns(['workspace_id', 'kind', 'created_at', 'id', ...STATUS]).execute();
  await db.schema.createIndex('oidc_models_list_grant').on('oidc_models').columns(['grant_id', 'kind', 'created_at', 'id']).execute();
  await db.schema
    .createIndex('oidc_models_list_revoked')
    .on('oidc_models')
    .columns(['kind', 'created_at', 'id'])
    .where(sql.ref('revoked_at'), 'is not', null)
    .execute();
  await db.schema
    .createIndex('oidc_models_list_consumed')
    .on('oidc_models')
    .columns(['kind', 'created_at', 'id'])
    .where(sql<boolean>`consumed_at is not null and revoked_at is null`)
    .execute();
  // Clock-dependent statuses (active, expired) of one kind, read by expiry when they are rare;
  // also what the sweeper's `kind in (...) and expires_at < now` walks.
  await db.schema.createIndex('oidc_models_expiry').on('oidc_models').columns(['kind', 'expires_at', 'revoked_at', 'consumed_at']).execute();
  await db.schema.createIndex('events_account').on('events').columns(['account_id', 'id']).execute();
  await db.schema.createIndex('events_workspace').on('events').columns(['workspace_id', 'id']).execute();
}
