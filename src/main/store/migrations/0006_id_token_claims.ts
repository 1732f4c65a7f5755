import { sql, type Kysely } from 'kysely';

/**
 * `id_token_claims`: 1 when the app's ID tokens carry the claims of the
 * granted scopes (profile, email, groups, roles, workspace) besides `sub`;
 * 0 (every existing app) keeps the engine's default, where those claims
 * come only from userinfo.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('apps')
    .addColumn('id_token_claims', 'integer', (c) => c.notNull().defaultTo(0).check(sql`id_token_claims in (0, 1)`))
    .execute();
}

