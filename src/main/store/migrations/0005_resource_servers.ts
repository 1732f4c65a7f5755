import { sql, type Kysely } from 'kysely';

/** The resource scopes of the catalog in 0005's time: what both built-in resource servers offer. */
const BUILT_IN_SCOPES = JSON.stringify([
  'read:user',
  'write:user',
  'read:organization',
  'write:organization',
  'read:members',
  'write:members',
  'read:webhooks',
  'write:webhooks',
  'admin:organization',
  'admin:all',
]);

/**
 * Resource servers (RFC 8707 resource indicators, RFC 9728 metadata): the
 * APIs tokens are issued for. `identifier` is the `resource` value, compared
 * exactly; for the built-in ones (`issuer_relative = 1`) it is a path on the
 * issuer, because the issuer is only known at start (`--port 0`,
 * `--public-url`) and may change between starts: a read resolves it against
 * the issuer of the run, so nothing needs rewriting, and this migration can
 * add the two built-in rows to new and existing databases alike.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('resource_servers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('identifier', 'text', (c) => c.notNull().unique())
    .addColumn('issuer_relative', 'integer', (c) => c.notNull().defaultTo(0).check(sql`issuer_relative in (0, 1)`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('custom_scopes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('token_format', 'text', (c) => c.notNull().defaultTo('opaque').check(sql`token_format in ('opaque', 'jwt')`))
    .addColumn('access_token_ttl', 'integer', (c) => c.check(sql`access_token_ttl is null or access_token_ttl > 0`))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  const now = Date.now();
  await db
    .insertInto('resource_servers')
    .values([
      { id: 'rs_sample_api', identifier: '/api/v1', issuer_relative: 1, name: 'Sample REST API', scopes: BUILT_IN_SCOPES, created_at: now, updated_at: now },
      { id: 'rs_sample_mcp', identifier: '/mcp', issuer_relative: 1, name: 'Sample MCP server', scopes: BUILT_IN_SCOPES, created_at: now + 1, updated_at: now + 1 },
    ])
    .execute();
}
