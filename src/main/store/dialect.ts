import { PostgresAdapter } from 'kysely';

/** The two databases the store runs on: an embedded SQLite file, or a PostgreSQL server (shared staging). */
export type StoreDialect = 'sqlite' | 'postgres';

/** Which database `db` talks to, read from its Kysely adapter. */
export function dialectOf(db: { getExecutor(): { readonly adapter: unknown } }): StoreDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
