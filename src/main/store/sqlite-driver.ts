import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';
import { CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';
import { CommitGroup } from './commit-group';
import type { StoreDriver } from './store-driver';
import { UnitOfWork } from './unit-of-work';

/** SQLite's answer to ending a transaction it already rolled back by itself (after a full disk, say). */
const NO_TRANSACTION = /no transaction is active/;

/**
 * A Kysely driver over the asynchronous `sqlite3` package.
 *
 * sqlite3 holds one connection, so transactions must not interleave: a
 * connection is handed out to one user at a time (a simple FIFO mutex) and
 * every other caller waits until it is released.
 *
 * A unit of work ({@link SqliteDriver.unitOfWork}) makes every query of one
 * async call tree (one protocol request) a single `begin immediate`
 * transaction, opened at its first query: whatever else runs waits for the
 * commit, so a read-then-write inside the unit cannot race another request.
 */
export class SqliteDriver implements StoreDriver {
  readonly #file: string;
  readonly #options: SqliteDriverOptions;
  #db: sqlite3.Database | undefined;
  #connection: SqliteConnection | undefined;
  readonly #mutex = new ConnectionMutex();
  readonly #units = new AsyncLocalStorage<UnitOfWork>();
  readonly #commits = new CommitGroup();

  constructor(file: string, options: SqliteDriverOptions = {}) {
    this.#file = file;
    this.#options = options;
  }

  async init(): Promise<void> {
    this.#db = await openDatabase(this.#file, this.#options.readOnly ?? false);
    this.#connection = new SqliteConnection(this.#db, this.#options.onError);
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const unit = this.#units.getStore();
    if (unit?.accepting) return unit.connection();
    await this.#mutex.lock();
    return this.#connection!;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitConnection) return connection.savepoint();
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitConnection) return connection.releaseSavepoint();
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitConnection) return connection.rollbackSavepoint();
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } catch (err) {
      // SQLite rolls back by itself after some errors (a full disk, for one); the error that
      // caused it is the one to report, not this rollback's "no transaction is active".
      if (!NO_TRANSACTION.test((err as Error).message)) throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof UnitConnection) return;
    this.#mutex.unlock();
  }

  /**
   * Runs `fn` as one transaction: its queries (and only its) share the
   * connection from the first query to the end, then commit, or roll back
   * when `fn` throws or `keep` says no. A unit inside a unit joins it.
   */
  async unitOfWork<T>(fn: () => Promise<T>, keep: (result: T) => boolean = () => true): Promise<T> {
    if (this.#units.getStore()?.accepting) return fn();
    const unit = new UnitOfWork(async () => {
      await this.#mutex.lock();
      const connection = this.#connection!;
      try {
        await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      } catch (err) {
        this.#mutex.unlock();
        throw err;
      }
      return new UnitConnection(connection, (fn) => this.#locked(fn));
    }, () => this.#mutex.unlock(), this.#commits);
    return unit.run((body) => this.#units.run(unit, body), fn, keep);
  }

  async #locked<T>(fn: () => Promise<T>): Promise<T> {
    await this.#mutex.lock();
    try {
      return await fn();
    } finally {
      this.#mutex.unlock();
    }
  }

  /** The unit of work the caller runs in, if any (the activity log writes its events with it). */
  currentUnit(): UnitOfWork | undefined {
    const unit = this.#units.getStore();
    return unit?.accepting ? unit : undefined;
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

/** Result codes after which SQLite may have rolled the transaction back (sqlite.org/lang_transaction.html). */
const ABORTING = /^SQLITE_(FULL|IOERR|NOMEM|CORRUPT)/;

/**
 * The connection as a unit of work sees it: nested transactions become
 * savepoints, and the unit knows how many queries are still running before
 * it commits.
 */
export class UnitConnection implements DatabaseConnection {
  readonly #inner: DatabaseConnection;
  /** Runs a query holding the driver's lock: for queries that arrive after the unit ended. */
  readonly #runLocked: <T>(fn: () => Promise<T>) => Promise<T>;
  #running = 0;
  #idle: (() => void) | undefined;
  #nextSavepoint = 0;
  /** The open savepoint (a transaction inside the unit), if any. */
  #savepoint: string | undefined;
  /** The error after which SQLite may have dropped the transaction (see `aborted`). */
  #abort: unknown;
  #ended = false;

  constructor(inner: DatabaseConnection, runLocked: <T>(fn: () => Promise<T>) => Promise<T>) {
    this.#inner = inner;
    this.#runLocked = runLocked;
  }

  /**
   * A statement failed in a way after which SQLite may roll the whole
   * transaction back by itself (a full disk, an I/O error): the unit can
   * only end in a rollback, and the failure has shaped the request's answer.
   * Later statements of the unit fail with the same error, so none of them
   * runs outside the transaction.
   */
  get aborted(): boolean {
    return this.#abort !== undefined;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    // Handed out while the unit was open, run after it ended (a query the engine left in flight):
    // it is an ordinary query now, and waits for the lock like one.
    if (this.#ended) return this.#runLocked(() => this.#inner.executeQuery<R>(query));
    if (this.#abort !== undefined) throw this.#abort;
    this.#running++;
    try {
      return await this.#inner.executeQuery<R>(query);
    } catch (err) {
      if (ABORTING.test((err as { code?: string }).code ?? '')) this.#abort ??= err;
      throw err;
    } finally {
      if (--this.#running === 0) this.#idle?.();
    }
  }

  /** Resolves once no query of the unit is running. */
  settled(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle = () => {
        this.#idle = undefined;
        resolve();
      };
    });
  }

  /**
   * A transaction inside the unit becomes a savepoint. One at a time: Kysely
   * does not say which transaction ends, so two open at once (nested, or two
   * async branches) could end each other's savepoints and lose a write; the
   * second is refused instead.
   */
  async savepoint(): Promise<void> {
    if (this.#savepoint) throw new Error('a unit of work runs one transaction at a time: finish the open one first');
    const name = `unit_${++this.#nextSavepoint}`;
    this.#savepoint = name;
    try {
      await this.executeQuery(CompiledQuery.raw(`savepoint ${name}`));
    } catch (err) {
      this.#savepoint = undefined;
      throw err;
    }
  }

  async releaseSavepoint(): Promise<void> {
    const name = this.#savepoint;
    this.#savepoint = undefined;
    if (name) await this.executeQuery(CompiledQuery.raw(`release ${name}`));
  }

  async rollbackSavepoint(): Promise<void> {
    const name = this.#savepoint;
    this.#savepoint = undefined;
    // After an aborting error SQLite dropped the whole transaction, the savepoint with it.
    if (!name || this.#abort !== undefined) return;
    await this.executeQuery(CompiledQuery.raw(`rollback to ${name}`));
    await this.executeQuery(CompiledQuery.raw(`release ${name}`));
  }

  /** Ends the unit's transaction; a rollback of one SQLite already rolled back is no error. */
  async end(commit: boolean): Promise<void> {
    try {
      await this.#inner.executeQuery(CompiledQuery.raw(commit ? 'commit' : 'rollback'));
    } catch (err) {
      if (commit || !NO_TRANSACTION.test((err as Error).message)) throw err;
    } finally {
      this.#ended = true;
    }
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the sqlite3 driver');
  }
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
