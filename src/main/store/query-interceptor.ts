import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';

/**
 * Sees every statement a store driver sends to its database, and may answer
 * it instead (`next` runs it). The bench's `--profile` counts statements
 * with one and its what-if variants emulate proposed changes with one
 * (bench/lib/query-counter.ts, bench/lib/what-if.ts); nothing in the server
 * installs one.
 */
export type QueryInterceptor = (query: CompiledQuery, next: () => Promise<QueryResult<unknown>>) => Promise<QueryResult<unknown>>;

/**
 * The process's interceptor lives on `globalThis` under a registered symbol,
 * so a preload (`node --import …`) and the server's own modules share it
 * even if a loader instantiates the module twice.
 */
const KEY = Symbol.for('oauth-console.store.query-interceptor');
const slot = globalThis as { [KEY]?: QueryInterceptor };

/** Installs the interceptor every driver opened from now on runs its statements through. */
export function installQueryInterceptor(interceptor: QueryInterceptor | undefined): void {
  slot[KEY] = interceptor;
}

/**
 * `connection` with its statements run through the installed interceptor,
 * or `connection` itself when there is none (no cost on the hot path).
 * Every driver wraps the connection that talks to its database with it.
 */
export function interceptedConnection(connection: DatabaseConnection): DatabaseConnection {
  const intercept = slot[KEY];
  if (!intercept) return connection;
  return {
    executeQuery: <R>(query: CompiledQuery) => intercept(query, () => connection.executeQuery(query)) as Promise<QueryResult<R>>,
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  };
}
