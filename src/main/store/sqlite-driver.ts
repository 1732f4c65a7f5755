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
  #db: sqlite3.Database | undefined;
  #connection: SqliteConnection | undefined;
  readonly #mutex = new ConnectionMutex();

  constructor(file: string) {
    this.#file = file;
  }

  async init(): Promise<void> {
    this.#db = await openDatabase(this.#file);
    this.#connection = new SqliteConnection(this.#db);
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
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex.unlock();
  }

  async destroy(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (!db) return;
    await new Promise<void>((resolve, reject) => db.close((err) => (err ? reject(err) : resolve())));
  }
}

function openDatabase(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, (err) => (err ? reject(err) : resolve(db)));
  });
}

class SqliteConnection implements DatabaseConnection {
  readonly #db: sqlite3.Database;

  constructor(db: sqlite3.Database) {
    this.#db = db;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const params = parameters as unknown[];
    // Statements that return rows go through `all`; the rest through `run`,
    // which reports the changes and the last inserted row id.
    if (returnsRows(sql)) {
      return new Promise((resolve, reject) => {
        this.#db.all(sql, params, (err, rows) => (err ? reject(err) : resolve({ rows: rows as R[] })));
      });
    }
    return new Promise((resolve, reject) => {
      this.#db.run(sql, params, function onRun(this: sqlite3.RunResult, err: Error | null) {
        if (err) return reject(err);
        resolve({
          rows: [],
          numAffectedRows: BigInt(this.changes),
          insertId: BigInt(this.lastID),
        });
      });
    });
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
