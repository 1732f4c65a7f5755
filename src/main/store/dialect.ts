import { PostgresAdapter, sql, type QueryExecutor, type RawBuilder } from 'kysely';

/** Any Kysely handle: the store's, a transaction's, a migration's (whatever its table types). */
type AnyDb = { getExecutor(): QueryExecutor };

/** The two databases the store runs on: an embedded SQLite file, or a PostgreSQL server (shared staging). */
export type StoreDialect = 'sqlite' | 'postgres';

/**
 * Which database `db` talks to, read from its Kysely adapter, so it holds
 * for a handle, a transaction inside it and a migration's handle alike.
 */
export function dialectOf(db: AnyDb): StoreDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * A top-level string member of a JSON text column, as text. SQLite's
 * `json_extract`; PostgreSQL's `->>` on the text cast to jsonb (the column
 * stays text on both, so the rows are written the same way).
 */
export function jsonTextMember(db: AnyDb, column: string, member: string): RawBuilder<string | null> {
  if (!/^[a-z_]+$/i.test(member)) throw new Error(`not a plain JSON member name: ${member}`);
  return dialectOf(db) === 'postgres'
    ? sql<string | null>`(${sql.ref(column)}::jsonb ->> ${sql.lit(member)})`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${sql.lit(`$.${member}`)})`;
}

/** A JSON text column with one top-level member set to a number: `json_set` on SQLite, `jsonb_set` on PostgreSQL. */
export function jsonWithNumber(db: AnyDb, column: string, member: string, value: number): RawBuilder<string> {
  if (!/^[a-z_]+$/i.test(member)) throw new Error(`not a plain JSON member name: ${member}`);
  return dialectOf(db) === 'postgres'
    ? sql<string>`jsonb_set(${sql.ref(column)}::jsonb, ${sql.lit(`{${member}}`)}, to_jsonb(${value}::bigint))::text`
    : sql<string>`json_set(${sql.ref(column)}, ${sql.lit(`$.${member}`)}, ${value})`;
}

/**
 * SQLite's `indexed by` hint (its planner picks a worse index for a bound
 * clock value); PostgreSQL has no hints and plans these queries well from
 * its statistics, so there it is nothing.
 */
export function indexedBy(db: AnyDb, index: string): RawBuilder<unknown> {
  return dialectOf(db) === 'postgres' ? sql`` : sql`indexed by ${sql.raw(index)}`;
}

/**
 * Rewrites `?` placeholders of a hand-written statement to PostgreSQL's
 * `$1, $2, …` (the statements on the token path are written once, as text).
 * The statements given here hold no `?` inside string literals.
 */
export function positionalPlaceholders(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
