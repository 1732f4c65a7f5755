import { sql, type Kysely } from 'kysely';

/**
 * Fault and latency simulation rules (issue 12), and per-app lifetime
 * overrides for expiry testing. Rules live in the database so they survive a
 * restart and a second server on the same file sees them; `remaining` is
 * decremented in SQL (`remaining > 0`), so "the next N requests" stays exact
 * across processes too.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('simulation_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('app_id', 'text', (c) => c.references('apps.id').onDelete('cascade'))
    .addColumn('grant_type', 'text')
    .addColumn('effect', 'text', (c) => c.notNull().check(sql`effect in ('error', 'status', 'latency')`))
    .addColumn('error', 'text')
    .addColumn('status', 'integer', (c) => c.check(sql`status is null or status in (429, 503)`))
    .addColumn('retry_after_seconds', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.check(sql`latency_ms is null or latency_ms > 0`))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('next', 'share', 'until_cleared')`))
    .addColumn('count', 'integer')
    .addColumn('remaining', 'integer', (c) => c.check(sql`remaining is null or remaining >= 0`))
    .addColumn('percent', 'integer', (c) => c.check(sql`percent is null or (percent between 1 and 100)`))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('spent_at', 'integer')
    .execute();
  for (const column of ['access_token_ttl', 'refresh_token_ttl', 'id_token_ttl', 'authorization_code_ttl']) {
    await db.schema
      .alterTable('apps')
      .addColumn(column, 'integer', (c) => c.check(sql`${sql.ref(column)} is null or ${sql.ref(column)} > 0`))
      .execute();
  }
}

