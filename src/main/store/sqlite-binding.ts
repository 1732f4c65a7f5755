import type { DatabaseConnection } from 'kysely';

/** The SQLite bindings a store can run on (the bench measures them side by side). */
export const SQLITE_BINDINGS = ['node-sqlite', 'sqlite3'] as const;
export type SqliteBinding = (typeof SQLITE_BINDINGS)[number];

/** The binding named by $OAUTH_CONSOLE_SQLITE_BINDING (how the bench runs a server on each), else node:sqlite. */
export function defaultSqliteBinding(): SqliteBinding {
  const named = process.env.OAUTH_CONSOLE_SQLITE_BINDING;
  if (!named) return 'node-sqlite';
  if (!(SQLITE_BINDINGS as readonly string[]).includes(named)) throw new Error(`OAUTH_CONSOLE_SQLITE_BINDING=${named} is not a SQLite binding (one of ${SQLITE_BINDINGS.join(', ')})`);
  return named as SqliteBinding;
}

/** One open SQLite connection through some binding: statements in, Kysely results out. */
export interface BindingConnection extends DatabaseConnection {
  /** Releases the statements and closes the file. */
  close(): Promise<void>;
}

export interface BindingOpenOptions {
  /** Opens an existing file for reading only: never creates or writes it. */
  readOnly: boolean;
  /** Sees every failed statement, its error mapped to SQLite's code names (see sqlite-errors.ts). */
  onError: ((err: Error) => void) | undefined;
}

/** Prepared statements kept per SQL text: preparing costs about half of a point query. */
export const STATEMENT_CACHE_SIZE = 256;
/** Longer SQL (a multi-row insert) is prepared, run and dropped: it rarely repeats. */
export const CACHEABLE_SQL_LENGTH = 4000;
