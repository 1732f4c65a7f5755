import sqlite3 from 'sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, type QueryResult } from 'kysely';

/**
 * A Kysely driver over the asynchronous `sqlite3` package.
 *
 * sqlite3 holds one connection, so transactions must not interleave: a
 * connection is handed out to one user at a time (a simple FIFO mutex) and
 * every other caller waits until it is released.
 */
export class SqliteDriver implements Driver {
  readonly #file: string;
  readonly #options: SqliteDriverOptions;
  #db: sqlite3.Database | undefined;
  #connection: SqliteConnection | undefined;
  readonly #mutex = new ConnectionMutex();

  constructor(file: string, options: SqliteDriverOptions = {}) {
    this.#file = file;
    this.#options = options;
  }

  async init(): Promise<void> {
    this.#db = await openDatabase(this.#file, this.#options.readOnly ?? false);
    this.#connection = new SqliteConnection(this.#db, this.#options.onError);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex.lock();
    return this.#connection!;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (err) {
      // SQLite rolls back by itself after some errors (a full disk, for one); the error that
      // caused it is the one to report, not this rollback's "no transaction is active".
      if (!/no transaction is active/.test((err as Error).message)) throw err;
    }
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (!db) return;
    await this.#connection?.finalizeAll();
    await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  }
}

export interface SqliteDriverOptions {
  /** Sees every failed statement (the storage-health tracker watches for a full disk). */
  onError?: (err: Error) => void;
  /** Opens an existing file for reading only (checks, backups): never creates or writes it. */
  readOnly?: boolean;
}

function openDatabase(file: string, readOnly: boolean): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const mode = readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE;
    const db = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

/** Prepared statements kept per SQL text: preparing costs about half of a point query. */
const STATEMENT_CACHE_SIZE = 256;
const CACHEABLE_SQL_LENGTH = 4000;

class SqliteConnection implements DatabaseConnection {
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

  /** Finalizes every cached statement; the database cannot close while any is open. */
  async finalizeAll(): Promise<void> {
    const statements = [...this.#statements.values()];
    this.#statements.clear();
    await Promise.all(statements.map((st) => new Promise<void>((resolve) => st.finalize(() => resolve()))));
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

class ConnectionMutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  async lock(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
