import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';
import { CommitGroup } from './commit-group';
import { openNodeSqlite, type SqliteConnection } from './node-sqlite-connection';
import { interceptedConnection } from './query-interceptor';
import type { StoreDriver } from './store-driver';
import { QueriesInFlight, UnitOfWork } from './unit-of-work';

/** SQLite's answer to ending a transaction it already rolled back by itself (after a full disk, say). */
const NO_TRANSACTION = /no transaction is active/;

/**
 * A Kysely driver over one SQLite connection through Node's built-in
 * `node:sqlite` (synchronous: a statement runs on the calling thread).
 *
 * One connection means transactions must not interleave: the connection is
 * handed out to one user at a time (a simple FIFO mutex) and every other
 * caller waits until it is released. Synchronous statements still need the
 * mutex: a unit's transaction spans the awaits of a whole request, and a
 * query from another request must not land inside it.
 *
 * A unit of work ({@link SqliteDriver.unitOfWork}) makes every query of one
 * async call tree (one protocol request) a single `begin immediate`
 * transaction, opened at its first query: whatever else runs waits for the
 * commit, so a read-then-write inside the unit cannot race another request.
 */
export class SqliteDriver implements StoreDriver {
  readonly #file: string;
  readonly #options: SqliteDriverOptions;
  /** The connection as opened (closed on destroy). */
  #opened: SqliteConnection | undefined;
  /** The same, through the bench's query interceptor when one is installed. */
  #connection: DatabaseConnection | undefined;
  readonly #mutex = new ConnectionMutex();
  readonly #units = new AsyncLocalStorage<UnitOfWork>();
  readonly #commits = new CommitGroup();

  constructor(file: string, options: SqliteDriverOptions = {}) {
    this.#file = file;
    this.#options = options;
  }

  async init(): Promise<void> {
    this.#opened = await openNodeSqlite(this.#file, { readOnly: this.#options.readOnly ?? false, onError: this.#options.onError });
    this.#connection = interceptedConnection(this.#opened);
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
    const opened = this.#opened;
    this.#opened = undefined;
    this.#connection = undefined;
    await opened?.close();
  }
}

export interface SqliteDriverOptions {
  /** Sees every failed statement (the storage-health tracker watches for a full disk). */
  onError?: (err: Error) => void;
  /** Opens an existing file for reading only (checks, backups): never creates or writes it. */
  readOnly?: boolean;
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
  readonly #inFlight = new QueriesInFlight();
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
    // The failure is noted inside the tracked query, so a unit waiting in `settled` sees it.
    return this.#inFlight.track(async () => {
      try {
        return await this.#inner.executeQuery<R>(query);
      } catch (err) {
        if (ABORTING.test((err as { code?: string }).code ?? '')) this.#abort ??= err;
        throw err;
      }
    });
  }

  /**
   * Resolves once no query of the unit is running. With node:sqlite a
   * statement runs to its end inside `executeQuery`, so this is already true
   * whenever the unit ends; it stays the contract of a unit's connection
   * (an asynchronous driver needs it). What still arrives late is a query
   * handed the connection before the end and executed after it: see
   * `#ended` in `executeQuery`.
   */
  settled(): Promise<void> {
    return this.#inFlight.settled();
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
    throw new Error('streaming is not supported by the SQLite driver');
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
