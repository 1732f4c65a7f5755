import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { CompiledQuery, type DatabaseConnection, type QueryResult, type TransactionSettings } from 'kysely';
import type { StoreDriver } from './store-driver';
import { QueriesInFlight, UnitOfWork, type UnitConnectionHandle } from './unit-of-work';

/**
 * Read committed, said out loud: a server whose `default_transaction_isolation`
 * is serializable would otherwise fail our units with serialization errors
 * that nothing retries. Every read-then-write that must not race is made
 * safe under read committed instead (row locks, conditional updates, advisory
 * locks; see README "Shared staging on PostgreSQL").
 */
const BEGIN_UNIT = 'begin isolation level read committed';

/** How long a caller waits for a pooled connection before it fails (a pool exhausted by stuck work). */
const CONNECT_TIMEOUT_MS = 15_000;

export interface PgDriverOptions {
  /** `postgres://user:password@host:port/database` (libpq's URL form). */
  connectionString: string;
  /** Most connections the pool opens; each unit of work holds one until it ends. */
  poolSize: number;
}

/** int8 (counts, ids, ms timestamps: bigint columns) and numeric (sums) come back as numbers, as SQLite gives them. */
const NUMERIC_OIDS = new Set([20, 1700]);
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMERIC_OIDS.has(oid) && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A Kysely driver over a `pg` pool, with the store's units of work.
 *
 * Unlike SQLite, where one connection serialises every unit (`begin
 * immediate`), here units run at once, each as one read-committed
 * transaction on one pooled client for its whole async call tree. So a
 * read-then-write that SQLite's serialisation made safe must be safe by
 * itself on PostgreSQL: the places that need it lock rows (`for update`),
 * update conditionally and check the affected rows, or take an advisory
 * transaction lock (`serializeOn`).
 */
export class PgDriver implements StoreDriver {
  readonly #options: PgDriverOptions;
  #pool: pg.Pool | undefined;
  readonly #connections = new WeakMap<pg.PoolClient, PgConnection>();
  readonly #units = new AsyncLocalStorage<UnitOfWork>();

  constructor(options: PgDriverOptions) {
    this.#options = options;
  }

  /** The pool (for work that needs a connection of its own, such as LISTEN). */
  get pool(): pg.Pool {
    if (!this.#pool) throw new Error('the PostgreSQL driver is not open');
    return this.#pool;
  }

  get connectionString(): string {
    return this.#options.connectionString;
  }

  async init(): Promise<void> {
    const pool = new pg.Pool({
      connectionString: this.#options.connectionString,
      max: this.#options.poolSize,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      types,
    });
    // An idle client whose server connection drops emits here; the pool replaces it. Unhandled, it would crash the process.
    pool.on('error', () => undefined);
    this.#pool = pool;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const unit = this.#units.getStore();
    if (unit?.accepting) return unit.connection();
    const client = await this.pool.connect();
    let connection = this.#connections.get(client);
    if (!connection) {
      connection = new PgConnection(client);
      this.#connections.set(client, connection);
    }
    return connection;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (connection instanceof PgUnitConnection) return connection.savepoint();
    const isolation = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    await connection.executeQuery(CompiledQuery.raw(`begin${isolation}`));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof PgUnitConnection) return connection.releaseSavepoint();
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof PgUnitConnection) return connection.rollbackSavepoint();
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof PgUnitConnection) return;
    (connection as PgConnection).release();
  }

  /**
   * Runs `fn` as one transaction on one pooled client: its queries (and only
   * its) share the client from the first query to the end, then commit, or
   * roll back when `fn` throws or `keep` says no. A unit inside a unit joins it.
   */
  async unitOfWork<T>(fn: () => Promise<T>, keep: (result: T) => boolean = () => true): Promise<T> {
    if (this.#units.getStore()?.accepting) return fn();
    let opened: PgUnitConnection | undefined;
    const unit = new UnitOfWork(
      async () => {
        const client = await this.pool.connect();
        try {
          await client.query(BEGIN_UNIT);
        } catch (err) {
          client.release(err as Error);
          throw err;
        }
        opened = new PgUnitConnection(client, this.pool);
        return opened;
      },
      () => opened?.release(),
    );
    return unit.run((body) => this.#units.run(unit, body), fn, keep);
  }

  currentUnit(): UnitOfWork | undefined {
    const unit = this.#units.getStore();
    return unit?.accepting ? unit : undefined;
  }

  async destroy(): Promise<void> {
    const pool = this.#pool;
    this.#pool = undefined;
    await pool?.end();
  }
}

/** SQLSTATE classes of errors about a statement; anything else (no code, class 08 and the like) may have broken the connection. */
const STATEMENT_ERROR = /^(2[2-7]|3[DF]|4[02]|P0)/;

function resultOf<R>(result: pg.QueryResult): QueryResult<R> {
  const { command, rowCount, rows } = result;
  const changes = command === 'INSERT' || command === 'UPDATE' || command === 'DELETE' || command === 'MERGE';
  return { rows: (rows ?? []) as R[], ...(changes ? { numAffectedRows: BigInt(rowCount ?? 0) } : {}) };
}

/** One pooled client as Kysely sees it outside a unit of work. */
class PgConnection implements DatabaseConnection {
  readonly #client: pg.PoolClient;
  #broken: Error | undefined;

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      return resultOf<R>(await this.#client.query(query.sql, [...query.parameters]));
    } catch (err) {
      if (!STATEMENT_ERROR.test((err as { code?: string }).code ?? '')) this.#broken = err as Error;
      throw err;
    }
  }

  /** Back to the pool; a client whose connection failed is closed instead of reused. */
  release(): void {
    const broken = this.#broken;
    this.#broken = undefined;
    this.#client.release(broken);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the store');
  }
}

/**
 * The client as a unit of work sees it: nested transactions become
 * savepoints, and the unit knows how many queries are still running before
 * it ends.
 *
 * PostgreSQL refuses every statement of a transaction after one failed
 * (unless a savepoint opened before it is rolled back), and a commit then
 * rolls back. So a failure is remembered: later statements fail with it,
 * and a commit of such a unit fails loudly rather than pretending the work
 * was kept (a caller that caught the error and answered 2xx is a bug).
 */
export class PgUnitConnection implements UnitConnectionHandle {
  readonly #client: pg.PoolClient;
  /** Queries that arrive after the unit ended (left in flight by the engine) run on the pool, as ordinary queries. */
  readonly #pool: pg.Pool;
  readonly #inFlight = new QueriesInFlight();
  #nextSavepoint = 0;
  #savepoint: string | undefined;
  /** The first failed statement not undone by a savepoint rollback. */
  #failure: { error: unknown; inSavepoint: boolean } | undefined;
  #broken: Error | undefined;
  #ended = false;
  /** The unit's queries, one after another: a call tree may issue several at once (Promise.all), and a pg client runs one at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(client: pg.PoolClient, pool: pg.Pool) {
    this.#client = client;
    this.#pool = pool;
  }

  /** Never: a failed statement does not end a PostgreSQL unit silently (see `end`). */
  get aborted(): boolean {
    return false;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.#ended) return resultOf<R>(await this.#pool.query(query.sql, [...query.parameters]));
    if (this.#failure) throw this.#failure.error;
    return this.#run<R>(query.sql, [...query.parameters]);
  }

  async #run<R>(text: string, parameters: unknown[] = []): Promise<QueryResult<R>> {
    // The failure is noted inside the tracked query, so a unit waiting in `settled` sees it.
    return this.#inFlight.track(async () => {
      try {
        return resultOf<R>(await this.#serially(() => this.#client.query(text, parameters)));
      } catch (err) {
        this.#failure ??= { error: err, inSavepoint: this.#savepoint !== undefined };
        if (!STATEMENT_ERROR.test((err as { code?: string }).code ?? '')) this.#broken = err as Error;
        throw err;
      }
    });
  }

  #serially<T>(query: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(query);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  settled(): Promise<void> {
    return this.#inFlight.settled();
  }

  /** One savepoint at a time, for the reason `UnitConnection.savepoint` gives (Kysely does not say which transaction ends). */
  async savepoint(): Promise<void> {
    if (this.#savepoint) throw new Error('a unit of work runs one transaction at a time: finish the open one first');
    if (this.#failure) throw this.#failure.error;
    const name = `unit_${++this.#nextSavepoint}`;
    await this.#run(`savepoint ${name}`);
    this.#savepoint = name;
  }

  async releaseSavepoint(): Promise<void> {
    const name = this.#savepoint;
    this.#savepoint = undefined;
    if (name) await this.#run(`release savepoint ${name}`);
  }

  /** Undoes the savepoint's work; a failure inside it no longer dooms the unit. */
  async rollbackSavepoint(): Promise<void> {
    const name = this.#savepoint;
    this.#savepoint = undefined;
    if (!name) return;
    const failure = this.#failure;
    if (failure && !failure.inSavepoint) return;
    this.#failure = undefined;
    try {
      await this.#run(`rollback to savepoint ${name}`);
      await this.#run(`release savepoint ${name}`);
    } catch (err) {
      this.#failure = { error: err, inSavepoint: false };
      throw err;
    }
  }

  async end(commit: boolean): Promise<void> {
    this.#ended = true;
    const failure = this.#failure;
    if (commit && failure) {
      await this.#query('rollback').catch(() => undefined);
      throw new Error(`the unit of work was not kept: a statement in it failed (${(failure.error as Error).message})`, { cause: failure.error });
    }
    const result = await this.#query(commit ? 'commit' : 'rollback');
    // PostgreSQL answers a commit of a transaction it had to abort with a rollback.
    if (commit && result.command === 'ROLLBACK') throw new Error('the unit of work was rolled back by PostgreSQL instead of committed');
  }

  /** A statement that ends the transaction; a failure that may have broken the connection closes the client on release. */
  async #query(text: string): Promise<pg.QueryResult> {
    try {
      return await this.#serially(() => this.#client.query(text));
    } catch (err) {
      if (!STATEMENT_ERROR.test((err as { code?: string }).code ?? '')) this.#broken ??= err as Error;
      throw err;
    }
  }

  /** Back to the pool once the unit ended; a client whose connection failed is closed instead. */
  release(): void {
    this.#client.release(this.#broken);
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the store');
  }
}
