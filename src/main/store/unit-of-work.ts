import type { DatabaseConnection } from 'kysely';
import type { CommitGroup, DeferredWrite } from './commit-group';

/** The connection a unit of work holds: it can wait for its running queries and end the transaction. */
export interface UnitConnectionHandle extends DatabaseConnection {
  settled(): Promise<void>;
  end(commit: boolean): Promise<void>;
  /** A statement failed so that the transaction can only be rolled back (see UnitConnection). */
  readonly aborted: boolean;
}

/**
 * Work to do on the unit's connection just before it commits (the activity
 * log's rows). With `merge`, units committing together (commit-group.ts)
 * run the hooks of one family as one call: the activity log inserts every
 * unit's events in one statement.
 */
export type BeforeCommit = ((connection: DatabaseConnection) => Promise<void>) & {
  merge?: { family: string; run(connection: DatabaseConnection, hooks: BeforeCommit[]): Promise<void> };
};

/**
 * One transaction spanning an async call tree: one protocol request, so that
 * what the request reads and what it writes are one atomic step. The
 * transaction opens at the first query (a slow request body holds nothing)
 * and ends when the work ends: committed, or rolled back when the work threw
 * or its result is not to be kept (a 5xx). A `kill -9` in the middle leaves
 * nothing half-done: SQLite drops an uncommitted transaction.
 */
export class UnitOfWork {
  readonly #open: () => Promise<UnitConnectionHandle>;
  readonly #release: () => void;
  readonly #group: CommitGroup | undefined;
  #opening: Promise<UnitConnectionHandle> | undefined;
  /** Writes held back until the commit (see {@link defer}). */
  #deferred: DeferredWrite[] = [];
  #accepting = true;
  #discarded = false;
  readonly #beforeCommit: BeforeCommit[] = [];
  readonly #afterCommit: Array<() => void> = [];
  readonly #afterRollback: Array<() => void> = [];

  /** With `group`, a unit that only holds back writes commits together with others (see commit-group.ts). */
  constructor(open: () => Promise<UnitConnectionHandle>, release: () => void, group?: CommitGroup) {
    this.#open = open;
    this.#release = release;
    this.#group = group;
  }

  /** False once the unit is ending: later queries of its call tree wait for it like any other. */
  get accepting(): boolean {
    return this.#accepting;
  }

  /** The unit's connection, opening its transaction on first use (and running the held-back writes first). */
  connection(): Promise<UnitConnectionHandle> {
    return (this.#opening ??= this.#openWithDeferred());
  }

  async #openWithDeferred(): Promise<UnitConnectionHandle> {
    const connection = await this.#open();
    const deferred = this.#deferred;
    this.#deferred = [];
    try {
      for (const write of deferred) await connection.executeQuery(write.statement([write.parameters]));
    } catch (err) {
      // As when the opening fails: the transaction is dropped and the lock released here.
      await connection.end(false).catch(() => undefined);
      this.#release();
      throw err;
    }
    return connection;
  }

  /**
   * Holds `write` back until the commit, when the unit has not opened its
   * transaction yet: a unit whose only writes are held back commits with
   * the other units of the moment, in one transaction (group commit). Any
   * query the unit makes later opens its transaction and runs the held-back
   * writes first, so the unit always reads what it wrote. False when the
   * write must run now (the transaction is open, the unit is ending, or the
   * driver has no commit group).
   */
  defer(write: DeferredWrite): boolean {
    if (!this.#group || !this.#accepting || this.#opening) return false;
    this.#deferred.push(write);
    return true;
  }

  /** Makes the unit end in a rollback whatever its result: its writes are only tried (a dry run). */
  discard(): void {
    this.#discarded = true;
  }

  /** Runs `hook` on the connection right before the commit; it is dropped on rollback. */
  beforeCommit(hook: BeforeCommit): void {
    this.#beforeCommit.push(hook);
  }

  /** Runs `hook` after the commit succeeded (live notifications of what is now durable). */
  afterCommit(hook: () => void): void {
    this.#afterCommit.push(hook);
  }

  /** Runs `hook` once the unit's writes were dropped (rolled back, or never opened). */
  afterRollback(hook: () => void): void {
    this.#afterRollback.push(hook);
  }

  /** Runs `fn` inside the unit (`enter` binds the async context), then commits or rolls back. */
  async run<T>(enter: (body: () => Promise<T>) => Promise<T>, fn: () => Promise<T>, keep: (result: T) => boolean): Promise<T> {
    let result: T;
    try {
      result = await enter(fn);
    } catch (err) {
      await this.#finish(false).catch(() => undefined);
      throw err;
    }
    await this.#finish(keep(result) && !this.#discarded);
    return result;
  }

  async #finish(commit: boolean): Promise<void> {
    this.#accepting = false;
    if (!this.#opening && commit && this.#deferred.length > 0 && this.#group) return this.#commitInGroup(this.#group);
    if (!this.#opening && !(commit && this.#beforeCommit.length > 0)) return this.#notify(commit);
    let connection: UnitConnectionHandle;
    try {
      connection = await this.connection();
    } catch (err) {
      // The transaction never opened (the open step releases the lock itself).
      this.#notify(false);
      if (commit) throw err;
      return;
    }
    try {
      await connection.settled();
      // The statement that aborted the transaction has already shaped the answer (a 503, an error
      // redirect): what is left is to roll back, not to report the same failure twice.
      if (connection.aborted) commit = false;
      if (commit) {
        for (const hook of this.#beforeCommit) await hook(connection);
        await connection.end(true);
      } else {
        await connection.end(false);
      }
    } catch (err) {
      // A failed commit (disk full) leaves the transaction open: roll it back.
      await connection.end(false).catch(() => undefined);
      this.#release();
      this.#notify(false);
      throw err;
    }
    this.#release();
    this.#notify(commit);
  }

  async #commitInGroup(group: CommitGroup): Promise<void> {
    try {
      await group.commit({ writes: this.#deferred, beforeCommit: this.#beforeCommit, open: this.#open, release: this.#release });
    } catch (err) {
      this.#notify(false);
      throw err;
    }
    this.#notify(true);
  }

  #notify(committed: boolean): void {
    for (const hook of committed ? this.#afterCommit : this.#afterRollback) {
      try {
        hook();
      } catch {
        // A listener's failure must not turn a committed change into an error.
      }
    }
  }
}

/**
 * The queries a unit's connection is running, so that the unit's end can
 * wait for them (`settled`) before it commits: every driver's unit
 * connection counts its queries with one of these.
 */
export class QueriesInFlight {
  #running = 0;
  #idle: (() => void) | undefined;

  /** Runs `query`, counted as running until it settles. */
  async track<T>(query: () => Promise<T>): Promise<T> {
    this.#running++;
    try {
      return await query();
    } finally {
      if (--this.#running === 0) this.#idle?.();
    }
  }

  /** Resolves once no tracked query is running. */
  settled(): Promise<void> {
    if (this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle = () => {
        this.#idle = undefined;
        resolve();
      };
    });
  }
}
