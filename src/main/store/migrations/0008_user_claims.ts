import { sql, type Kysely } from 'kysely';

/**
 * Test users that look like real ones (issue 12): the OIDC profile claims a
 * user carries besides name and picture, and extra claims of the admin's
 * choosing (a JSON object, validated by the contract). `email_verified`
 * starts true, as every user's email was reported verified before.
 *
 * `oidc_models.minted`: 1 on a grant issued by "Mint a token" rather than by
 * a user's consent, so the console can say which tokens were minted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('locale', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('email_verified', 'integer', (c) => c.notNull().defaultTo(1).check(sql`email_verified in (0, 1)`))
    .execute();
  await db.schema.alterTable('users').addColumn('phone_number', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('phone_number_verified', 'integer', (c) => c.notNull().defaultTo(0).check(sql`phone_number_verified in (0, 1)`))
    .execute();
  await db.schema.alterTable('users').addColumn('extra_claims', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await db.schema
    .alterTable('oidc_models')
    .addColumn('minted', 'integer', (c) => c.notNull().defaultTo(0).check(sql`minted in (0, 1)`))
    .execute();
}
