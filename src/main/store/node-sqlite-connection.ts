import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { CompiledQuery, DatabaseConnection, QueryResult } from 'kysely';
import { nodeSqlite } from './node-sqlite-module';
import { fromNodeSqliteError } from './sqlite-errors';

/** One open SQLite connection: statements in, Kysely results out. */
export interface SqliteConnection extends DatabaseConnection {
  /** Releases the statements and closes the file. */
  close(): Promise<void>;
}

export interface SqliteOpenOptions {
  /** Opens an existing file for reading only: never creates or writes it. */
  readOnly: boolean;
  /** Sees every failed statement, its error mapped to SQLite's code names (see sqlite-errors.ts). */
  onError: ((err: Error) => void) | undefined;
}

/** Prepared statements kept per SQL text: preparing costs about half of a point query. */
const STATEMENT_CACHE_SIZE = 256;
/** Longer SQL (a multi-row insert) is prepared, run and dropped: it rarely repeats. */
const CACHEABLE_SQL_LENGTH = 4000;

/**
 * Opens `file` through Node's built-in, synchronous `node:sqlite`: a
 * statement runs on the calling thread, with no hop to a thread pool and
 * back. Foreign keys start off, as in SQLite itself (openStore turns them
 * on); double-quoted strings are identifiers only (Kysely quotes so).
 */
export async function openNodeSqlite(file: string, options: SqliteOpenOptions): Promise<SqliteConnection> {
  const { DatabaseSync } = nodeSqlite();
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: options.readOnly, enableForeignKeyConstraints: false });
  } catch (err) {
    throw fromNodeSqliteError(err);
  }
  return new NodeSqliteConnection(db, options.onError);
}

interface Prepared {
  statement: StatementSync;
  /** Whether it yields rows (a select, a pragma, `returning`): run through `all`, else `run`. */
  reader: boolean;
}

class NodeSqliteConnection implements SqliteConnection {
  readonly #db: DatabaseSync;
  readonly #onError: ((err: Error) => void) | undefined;
  /** Most recently used last. Reuse is safe: a synchronous statement never runs twice at once. */
  readonly #statements = new Map<string, Prepared>();

  constructor(db: DatabaseSync, onError?: (err: Error) => void) {
    this.#db = db;
    this.#onError = onError;
  }

  #prepared(sql: string): Prepared {
    const cached = this.#statements.get(sql);
    if (cached) {
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.#db.prepare(sql);
    const prepared = { statement, reader: statement.columns().length > 0 };
    if (sql.length <= CACHEABLE_SQL_LENGTH) {
      this.#statements.set(sql, prepared);
      // An evicted statement is finalized when collected (or when the database closes).
      if (this.#statements.size > STATEMENT_CACHE_SIZE) this.#statements.delete(this.#statements.keys().next().value!);
    }
    return prepared;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const { statement, reader } = this.#prepared(compiledQuery.sql);
      const params = bindable(compiledQuery.parameters);
      if (reader) return { rows: statement.all(...params) as R[] };
      const { changes, lastInsertRowid } = statement.run(...params);
      return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
    } catch (err) {
      const mapped = fromNodeSqliteError(err) as Error;
      this.#onError?.(mapped);
      throw mapped;
    }
  }

  async close(): Promise<void> {
    this.#statements.clear();
    this.#db.close();
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the node:sqlite driver');
  }
}

/**
 * Parameters bound as the store has always had them bound (the sqlite3
 * package did so), where node:sqlite would refuse them or store them
 * differently: booleans as 1 and 0, `undefined` as NULL, a Date as its
 * milliseconds, and whole numbers as integers (node:sqlite binds every
 * number as a REAL, so a whole number would reach a TEXT column as "5.0").
 */
function bindable(parameters: readonly unknown[]): SQLInputValue[] {
  const out = new Array<SQLInputValue>(parameters.length);
  for (let i = 0; i < parameters.length; i++) {
    const value = parameters[i];
    if (typeof value === 'number') out[i] = Number.isSafeInteger(value) ? BigInt(value) : value;
    else if (typeof value === 'boolean') out[i] = value ? 1n : 0n;
    else if (value === undefined) out[i] = null;
    else if (value instanceof Date) out[i] = value.getTime();
    else out[i] = value as SQLInputValue;
  }
  return out;
}
