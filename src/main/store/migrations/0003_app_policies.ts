import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../dialect';

/** Token kinds an app holds live one of per workspace and actor when `single_live_token` is on (seed 004). */
const SUPERSEDING_KINDS = sql.raw(`('AccessToken', 'ClientCredentials')`);

/**
 * Per-app policies of seeds 000 and 004:
 * - `pkce_policy`: `required` (the only choice of public apps, kept by a check),
 *   `optional` (the former rule of confidential apps, so theirs) or `managed`;
 *   `managed_pkce` holds the challenges the server made for managed apps
 *   (the nonce the verifier is derived from; never the verifier).
 * - `single_live_token`: a new access or client-credentials token of the app
 *   revokes the earlier live ones of the same workspace and actor (for `self`,
 *   the same user). A trigger does it, so the revocation is part of the very
 *   insert that stores the new token: no writer can skip it, no crash can
 *   leave both live. On PostgreSQL the trigger is a function (a trigger's
 *   condition cannot hold a subquery there), and concurrent issuers for one
 *   app take turns on an advisory lock (see {@link createPgSingleLiveToken}).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('apps')
    .addColumn('pkce_policy', 'text', (c) =>
      c
        .notNull()
        .defaultTo('required')
        .check(sql`pkce_policy in ('required', 'optional', 'managed') and (pkce_policy = 'required' or client_type = 'confidential')`),
    )
    .execute();
  await sql`update apps set pkce_policy = 'optional' where client_type = 'confidential'`.execute(db);
  await db.schema
    .alterTable('apps')
    .addColumn('single_live_token', 'integer', (c) => c.notNull().defaultTo(0).check(sql`single_live_token in (0, 1)`))
    .execute();

  await db.schema
    .createTable('managed_pkce')
    .addColumn('challenge', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('managed_pkce_expires').on('managed_pkce').column('expires_at').execute();

  if (dialectOf(db) === 'postgres') return createPgSingleLiveToken(db);
  await sql`
    create trigger oidc_models_single_live_token after insert on oidc_models
    when new.kind in ${SUPERSEDING_KINDS} and new.revoked_at is null
      and exists (select 1 from apps where apps.id = new.client_id and apps.single_live_token = 1)
    begin
      update oidc_models set revoked_at = new.created_at
      where client_id = new.client_id and kind in ${SUPERSEDING_KINDS}
        and id <> new.id and revoked_at is null
        and (expires_at is null or expires_at > new.created_at)
        and workspace_id is new.workspace_id and actor is new.actor
        and (new.actor = 'app' or account_id is new.account_id);
    end`.execute(db);
}

/**
 * The single-live-token trigger on PostgreSQL. Units of work run at once
 * there: two tokens of one app inserted by concurrent transactions would
 * each miss the other's (uncommitted) row and both stay live. So the
 * trigger takes a transaction-scoped advisory lock per app first: the
 * second issuer waits until the first commits, and its update (read
 * committed: a fresh snapshot per statement) then sees the first's token
 * and revokes it. `is not distinct from` is SQLite's `is`.
 */
async function createPgSingleLiveToken(db: Kysely<any>): Promise<void> {
  await sql`
    create function oidc_models_single_live_token() returns trigger language plpgsql as $$
    begin
      if new.kind in ${SUPERSEDING_KINDS} and new.revoked_at is null
        and exists (select 1 from apps where apps.id = new.client_id and apps.single_live_token = 1) then
        perform pg_advisory_xact_lock(hashtext('single_live_token:' || new.client_id));
        update oidc_models set revoked_at = new.created_at
        where client_id = new.client_id and kind in ${SUPERSEDING_KINDS}
          and id <> new.id and revoked_at is null
          and (expires_at is null or expires_at > new.created_at)
          and workspace_id is not distinct from new.workspace_id and actor is not distinct from new.actor
          and (new.actor = 'app' or account_id is not distinct from new.account_id);
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger oidc_models_single_live_token after insert on oidc_models
    for each row execute function oidc_models_single_live_token()`.execute(db);
}
