/**
 * Our server writes an activity-log row for most protocol events through a
 * queue that runs after the response. Under load that queue can fall
 * behind, which would flatter the measured rate (work deferred past the end
 * of the run). This reads the server's database (WAL allows a concurrent
 * reader) right after a scenario and waits until the `events` count stops
 * growing: the backlog, and how long the server needed to catch up.
 */
import type { DatabaseSync } from 'node:sqlite';
import { nodeSqlite } from '../../src/main/store/node-sqlite-module';

export interface Drain {
  /** Events rows when the load stopped. */
  atEnd: number;
  /** Events rows once the count stopped growing. */
  final: number;
  /** Time from the end of the load until the count stopped growing, ms. */
  drainMs: number;
}

export class EventsProbe {
  readonly #db: DatabaseSync;

  private constructor(db: DatabaseSync) {
    this.#db = db;
  }

  static async open(file: string): Promise<EventsProbe> {
    return new EventsProbe(new (nodeSqlite().DatabaseSync)(file, { readOnly: true }));
  }

  async count(): Promise<number> {
    const row = this.#db.prepare('select count(*) as n from events').get() as { n: number } | undefined;
    return row?.n ?? 0;
  }

  /** Polls until the count is unchanged for `quietMs` (or `maxMs` passed). */
  async drain(quietMs = 300, maxMs = 120_000): Promise<Drain> {
    const t0 = performance.now();
    const atEnd = await this.count();
    let last = atEnd;
    let lastChange = t0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const n = await this.count();
      const now = performance.now();
      if (n !== last) {
        last = n;
        lastChange = now;
      } else if (now - lastChange >= quietMs || now - t0 > maxMs) {
        return { atEnd, final: n, drainMs: n === atEnd ? 0 : lastChange - t0 };
      }
    }
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
