import sqlite3 from 'sqlite3';
import type { CompiledQuery, QueryResult } from 'kysely';
import { CACHEABLE_SQL_LENGTH, STATEMENT_CACHE_SIZE, type BindingConnection, type BindingOpenOptions } from './sqlite-binding';

/** Opens `file` through the asynchronous `sqlite3` package (statements run on libuv's thread pool). */
export async function openSqlite3(file: string, options: BindingOpenOptions): Promise<BindingConnection> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const mode = options.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const opened = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(opened)));
  });
  return new Sqlite3Connection(db, options.onError);
}

class Sqlite3Connection implements BindingConnection {
  readonly #db: sqlite3.Database;
  readonly #onError: ((err: Error) => void) | undefined;
  readonly #statements = new Map<string, sqlite3.Statement>();

  constructor(db: sqlite3.Database, onError?: (err: Error) => void) {
    this.#db = db;
    this.#onError = onError;
  }

  /**
   * The cached statement for `sql`, most recently used last. Reuse is safe
   * because the driver hands the connection to one caller at a time, so a
   * statement never runs twice at once.
   */
  async #statement(sql: string): Promise<sqlite3.Statement> {
    const cached = this.#statements.get(sql);
    if (cached) {
      this.#statements.delete(sql);
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = await new Promise<sqlite3.Statement>((resolve, reject) => {
      const prepared: sqlite3.Statement = this.#db.prepare(sql, (err: Error | null) => {
        if (!err) return resolve(prepared);
        this.#onError?.(err);
        reject(err);
      });
    });
    if (sql.length <= CACHEABLE_SQL_LENGTH) {
      this.#statements.set(sql, statement);
      if (this.#statements.size > STATEMENT_CACHE_SIZE) {
        const [oldest, evicted] = this.#statements.entries().next().value as [string, sqlite3.Statement];
        this.#statements.delete(oldest);
        evicted.finalize();
      }
    }
    return statement;
  }

  readonly #rowShapes = new Map<string, boolean>();

  /** Whether `sql` yields rows, remembered per SQL text (the regex runs once). */
  #returnsRows(sql: string): boolean {
    let known = this.#rowShapes.get(sql);
    if (known === undefined) {
      known = returnsRows(sql);
      if (this.#rowShapes.size >= STATEMENT_CACHE_SIZE * 4) this.#rowShapes.clear();
      this.#rowShapes.set(sql, known);
    }
    return known;
  }

  #forget(sql: string, statement: sqlite3.Statement): void {
    if (this.#statements.get(sql) === statement) this.#statements.delete(sql);
    statement.finalize();
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const params = parameters as unknown[];
    const statement = await this.#statement(sql);
    const cached = this.#statements.get(sql) === statement;
    const settle = (err: Error | null) => {
      // A failed statement may be unusable (a prepare error); an uncached one is done.
      if (err || !cached) this.#forget(sql, statement);
      if (err) this.#onError?.(err);
    };
    // Statements that return rows go through `all`; the rest through `run`,
    // which reports the changes and the last inserted row id.
    if (this.#returnsRows(sql)) {
      return new Promise((resolve, reject) => {
        statement.all(params, (err: Error | null, rows: unknown[]) => {
          settle(err);
          if (err) reject(err);
          else resolve({ rows: rows as R[] });
        });
      });
    }
    return new Promise((resolve, reject) => {
      statement.run(params, function onRun(this: sqlite3.RunResult, err: Error | null) {
        settle(err);
        if (err) return reject(err);
        resolve({
          rows: [],
          numAffectedRows: BigInt(this.changes),
          insertId: BigInt(this.lastID),
        });
      });
    });
  }

  /** Finalizes every cached statement (the database cannot close while any is open), then closes. */
  async close(): Promise<void> {
    const statements = [...this.#statements.values()];
    this.#statements.clear();
    await Promise.all(statements.map((st) => new Promise<void>((resolve) => st.finalize(() => resolve()))));
    await new Promise<void>((resolve, reject) => this.#db.close((err) => (err ? reject(err) : resolve())));
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the sqlite3 driver');
  }
}

function returnsRows(sql: string): boolean {
  const head = sql.trimStart().slice(0, 10).toLowerCase();
  return head.startsWith('select') || head.startsWith('with') || head.startsWith('pragma') || /\breturning\b/i.test(sql);
}
