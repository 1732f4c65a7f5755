import type { CompiledQuery } from 'kysely';
import type { BeforeCommit, UnitConnectionHandle } from './unit-of-work';

/**
 * A write a unit of work may hold back until its commit (see
 * `UnitOfWork.defer`): a blind write (an insert of a new token) that
 * nothing in the unit reads back. Writes of one family have the same shape,
 * so held-back writes of many units merge into one multi-row statement.
 */
export interface DeferredWrite {
  /** Writes of one family merge; the family names the statement's shape. */
  family: string;
  /** One row's parameters. */
  parameters: readonly unknown[];
  /** The statement writing these rows of the family, in order. */
  statement(rows: ReadonlyArray<readonly unknown[]>): CompiledQuery;
}

/** A unit of work asking to commit with others: its held-back writes, and its work before the commit. */
export interface GroupMember {
  writes: DeferredWrite[];
  beforeCommit: BeforeCommit[];
  /** Takes the connection and opens a transaction on it (the unit's own opening step). */
  open: () => Promise<UnitConnectionHandle>;
  /** Gives the connection back. */
  release: () => void;
}

/** At most this many rows in one merged statement (SQLite's and PostgreSQL's parameter limits stay far away). */
const ROWS_PER_STATEMENT = 50;

/**
 * Group commit over one connection. Units of work that wrote nothing but
 * held-back writes (a client-credentials token request: one token row and
 * its activity events) commit together: whoever asked during one
 * event-loop turn, or while the connection was busy, shares one
 * transaction — their token rows in one multi-row statement, their
 * activity events in another, one commit — and each is resolved only after that commit, so an
 * answer sent is an answer stored (a `kill -9` after it loses nothing).
 *
 * When the shared transaction fails, it is rolled back and each member
 * runs alone, in a transaction of its own, so a failure lands on the unit
 * it belongs to and never on its neighbours.
 */
export class CommitGroup {
  readonly #queue: Array<{ member: GroupMember; resolve: () => void; reject: (err: unknown) => void }> = [];
  #draining = false;

  commit(member: GroupMember): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ member, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        // Let the units of this event-loop turn join first.
        await new Promise<void>((resolve) => setImmediate(resolve));
        const first = this.#queue[0]!.member;
        let connection: UnitConnectionHandle;
        try {
          connection = await first.open();
        } catch (err) {
          // The transaction never opened (the open step releases the lock itself): nobody waiting could commit.
          for (const waiting of this.#queue.splice(0)) waiting.reject(err);
          continue;
        }
        // Everyone who asked while the connection was being taken commits in this transaction too.
        const batch = this.#queue.splice(0);
        try {
          await commitTogether(connection, batch.map((b) => b.member));
        } catch (err) {
          await connection.end(false).catch(() => undefined);
          first.release();
          if (batch.length === 1) batch[0]!.reject(err);
          else for (const alone of batch) await this.#alone(alone.member).then(alone.resolve, alone.reject);
          continue;
        }
        first.release();
        for (const done of batch) done.resolve();
      }
    } finally {
      this.#draining = false;
    }
  }

  /** One member in a transaction of its own (after a shared one failed). */
  async #alone(member: GroupMember): Promise<void> {
    const connection = await member.open();
    try {
      await commitTogether(connection, [member]);
    } catch (err) {
      await connection.end(false).catch(() => undefined);
      member.release();
      throw err;
    }
    member.release();
  }
}

/** The members' writes (merged by family, in order), each member's work before the commit, then the commit. */
async function commitTogether(connection: UnitConnectionHandle, members: GroupMember[]): Promise<void> {
  const writes = members.flatMap((m) => m.writes);
  for (let i = 0; i < writes.length; ) {
    const family = writes[i]!.family;
    const rows: Array<readonly unknown[]> = [];
    let j = i;
    while (j < writes.length && writes[j]!.family === family && rows.length < ROWS_PER_STATEMENT) rows.push(writes[j++]!.parameters);
    await connection.executeQuery(writes[i]!.statement(rows));
    i = j;
  }
  const merged = new Map<string, { run: (connection: UnitConnectionHandle, hooks: BeforeCommit[]) => Promise<void>; hooks: BeforeCommit[] }>();
  for (const member of members) {
    for (const hook of member.beforeCommit) {
      if (!hook.merge) {
        await hook(connection);
        continue;
      }
      const family = merged.get(hook.merge.family) ?? { run: hook.merge.run, hooks: [] };
      family.hooks.push(hook);
      merged.set(hook.merge.family, family);
    }
  }
  for (const family of merged.values()) await family.run(connection, family.hooks);
  await connection.settled();
  if (connection.aborted) throw new Error('the shared transaction was aborted by a failed statement');
  await connection.end(true);
}
