import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { whenCommitted, type Db } from './database';

/**
 * "What changed", small enough for a PostgreSQL NOTIFY (8000 bytes): never
 * the new value, only what a receiver must re-read or forget.
 */
export const changeSchema = z.discriminatedUnion('kind', [
  /** The server settings row. */
  z.object({ kind: z.literal('settings') }),
  /** The signing keys (a rotation, or keys made on a first start). */
  z.object({ kind: z.literal('keys') }),
  /** One app's client metadata, or every app's (`id` absent). */
  z.object({ kind: z.literal('clients'), id: z.string().max(200).optional() }),
  /** The simulation rules. */
  z.object({ kind: z.literal('simulation') }),
  /** The server clock's offset. */
  z.object({ kind: z.literal('clock') }),
  /** A named in-memory cache (one entry, or all of it). */
  z.object({ kind: z.literal('cache'), name: z.string().max(100), key: z.string().max(500).optional() }),
  /** Activity events committed, as id ranges `[first, last]`: receivers read them back to show them live. */
  z.object({ kind: z.literal('events'), ranges: z.array(z.tuple([z.number().int(), z.number().int()])).max(1000) }),
  /** Anything may have changed: reload everything (a message that would not fit, a resync). */
  z.object({ kind: z.literal('everything') }),
]);
export type Change = z.infer<typeof changeSchema>;

/** A message on the feed: which instance sent which changes. */
export const changeMessageSchema = z.object({ from: z.string().max(64), changes: z.array(changeSchema).max(1000) });
export type ChangeMessage = z.infer<typeof changeMessageSchema>;

export type ChangeListener = (change: Change, fromSelf: boolean) => void;

/**
 * How the instances that share one database tell each other what changed
 * (see "Several instances" in the README). A change is announced once the
 * writer's unit of work commits (never if it rolls back), and reaches every
 * instance, the writer included (`fromSelf`), which reloads or forgets the
 * state it holds in memory beside the store. On SQLite the feed is
 * in-process: servers of one process on one file hear each other; on
 * PostgreSQL it is LISTEN/NOTIFY (see pg-change-feed.ts).
 */
export interface ChangeFeed {
  /** This instance's id on the feed (random per start). */
  readonly instanceId: string;
  /** Announces `change` once the caller's unit of work commits (at once outside a unit). */
  publish(change: Change): void;
  /** Calls `listener` for every change announced by any instance; returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
  /**
   * Calls `listener` when changes may have been missed (the feed's
   * connection dropped, or came back): the receiver reloads everything it
   * holds. Returns the unsubscribe function.
   */
  onResync(listener: () => void): () => void;
  close(): Promise<void>;
}

export function newInstanceId(): string {
  return `inst_${randomBytes(9).toString('base64url')}`;
}

/** Listeners of a feed, each called in isolation: one that throws does not stop the others. */
export class FeedListeners {
  readonly #changes = new Set<ChangeListener>();
  readonly #resyncs = new Set<() => void>();

  subscribe(listener: ChangeListener): () => void {
    this.#changes.add(listener);
    return () => void this.#changes.delete(listener);
  }

  onResync(listener: () => void): () => void {
    this.#resyncs.add(listener);
    return () => void this.#resyncs.delete(listener);
  }

  deliver(changes: Change[], fromSelf: boolean): void {
    for (const change of changes) for (const listener of [...this.#changes]) safely(() => listener(change, fromSelf));
  }

  resync(): void {
    for (const listener of [...this.#resyncs]) safely(listener);
  }

  clear(): void {
    this.#changes.clear();
    this.#resyncs.clear();
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch {
    // A receiver's failure must not stop the feed or the writer.
  }
}

/** Servers of this process by database: the in-process feed's "cluster". */
const processFeeds = new Map<string, Set<InProcessChangeFeed>>();

/**
 * The feed for SQLite: one machine, one file. Every server of this process
 * opened on the same file hears the others' changes (two servers on one
 * file in a test, the desktop app and an embedded server); a server in
 * another process on the same file does not (SQLite is one machine's
 * database: use PostgreSQL for instances).
 */
export class InProcessChangeFeed implements ChangeFeed {
  readonly instanceId = newInstanceId();
  readonly #listeners = new FeedListeners();
  readonly #db: Db;
  readonly #peers: Set<InProcessChangeFeed>;
  readonly #key: string;

  constructor(db: Db, databaseKey: string) {
    this.#db = db;
    this.#key = databaseKey;
    let peers = processFeeds.get(databaseKey);
    if (!peers) processFeeds.set(databaseKey, (peers = new Set()));
    this.#peers = peers;
    peers.add(this);
  }

  publish(change: Change): void {
    whenCommitted(this.#db, () => {
      for (const peer of [...this.#peers]) peer.#listeners.deliver([change], peer === this);
    });
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.subscribe(listener);
  }

  onResync(listener: () => void): () => void {
    return this.#listeners.onResync(listener);
  }

  async close(): Promise<void> {
    this.#peers.delete(this);
    if (this.#peers.size === 0) processFeeds.delete(this.#key);
    this.#listeners.clear();
  }
}

/** The feed of each open database handle: writers anywhere announce through the handle they write with. */
const feeds = new WeakMap<Db, ChangeFeed>();

/** Makes `feed` the one that {@link publishChange} uses for `db` (the server does it at start). */
export function attachChangeFeed(db: Db, feed: ChangeFeed): void {
  feeds.set(db, feed);
}

/**
 * Announces `change` to every instance on `db`'s database once the caller's
 * unit commits; nothing when no feed is attached (a store used alone, in a
 * test or a command).
 */
export function publishChange(db: Db, change: Change): void {
  feeds.get(db)?.publish(change);
}
