import { CompiledQuery, type DatabaseConnection } from 'kysely';
import pg from 'pg';
import { changeMessageSchema, FeedListeners, newInstanceId, type Change, type ChangeFeed, type ChangeListener } from './change-feed';
import { currentUnit, whenCommitted, type Db } from './database';
import type { UnitOfWork } from './unit-of-work';

/** The one channel of the feed (per database: NOTIFY does not cross databases). */
export const CHANGE_CHANNEL = 'oauth_console_changes';
/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
const MAX_PAYLOAD_BYTES = 7_900;
/** Committed activity ids are gathered this long into one message (one NOTIFY per burst, not per request). */
const EVENTS_WINDOW_MS = 10;

export interface PgChangeFeedOptions {
  db: Db;
  /** How to reach the database for the dedicated LISTEN connection (the pool's own settings). */
  connection: pg.ClientConfig;
  /** Operational lines: the LISTEN connection lost and back. */
  log?: (line: string) => void;
  /** How often the LISTEN connection is probed (a silently dead socket is found this way). */
  pingIntervalMs?: number;
  /** A probe slower than this counts as a lost connection. */
  pingTimeoutMs?: number;
  /** The longest wait between two reconnection attempts. */
  retryMaxMs?: number;
}

function notifyQuery(payload: string): CompiledQuery {
  return CompiledQuery.raw('select pg_notify($1, $2)', [CHANGE_CHANNEL, payload]);
}

/** `[first, last]` runs of consecutive ids, sorted. */
export function idRanges(ids: number[]): Array<[number, number]> {
  const sorted = [...new Set(ids)].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const id of sorted) {
    const last = ranges.at(-1);
    if (last && id === last[1] + 1) last[1] = id;
    else ranges.push([id, id]);
  }
  return ranges;
}

/**
 * The change feed over PostgreSQL's LISTEN/NOTIFY.
 *
 * - **Invalidations** (settings, keys, apps, simulation rules, clock,
 *   caches) are NOTIFY'd inside the writer's own transaction, as its last
 *   statement: PostgreSQL delivers a notification only when its
 *   transaction commits, and never if it rolls back, so a change and its
 *   announcement are one atomic step — an instance killed right after its
 *   commit has announced it already. They are rare (admin actions), so the
 *   queue lock a notifying commit takes costs nothing measurable.
 * - **Activity ids** (for the consoles' live view) are sent after the
 *   commit, gathered over 10 ms into one NOTIFY on the pool, so the token
 *   endpoint's commits never queue behind the notification lock. A crash
 *   in those 10 ms loses live lines, never data: the log has them.
 * - **Receiving** is one dedicated `pg` client (not a pool connection: a
 *   LISTEN belongs to its session). It is probed every few seconds; when it
 *   drops, listeners are told to resync at once (anything may have changed
 *   unseen), it reconnects with backoff, and they resync again once it
 *   listens, and at each failed attempt meanwhile.
 */
export class PgChangeFeed implements ChangeFeed {
  readonly instanceId = newInstanceId();
  readonly #options: Required<Omit<PgChangeFeedOptions, 'log'>> & Pick<PgChangeFeedOptions, 'log'>;
  readonly #listeners = new FeedListeners();
  readonly #pending = new WeakMap<UnitOfWork, Change[]>();
  #eventIds: number[] = [];
  #eventsTimer: NodeJS.Timeout | undefined;
  #client: pg.Client | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryMs = 100;
  #closed = false;
  #connected = false;
  #pinging = false;

  private constructor(options: PgChangeFeedOptions) {
    this.#options = { pingIntervalMs: 5_000, pingTimeoutMs: 5_000, retryMaxMs: 2_000, ...options };
  }

  /** Connects and listens; rejects when the LISTEN connection cannot be made (the server does not start without its feed). */
  static async start(options: PgChangeFeedOptions): Promise<PgChangeFeed> {
    const feed = new PgChangeFeed(options);
    await feed.#connect();
    return feed;
  }

  /** Whether the LISTEN connection is up (false between a loss and the reconnection). */
  get listening(): boolean {
    return this.#connected;
  }

  /** The LISTEN session's backend pid (tests end it with pg_terminate_backend). */
  get listenerPid(): number | undefined {
    return (this.#client as unknown as { processID?: number } | undefined)?.processID;
  }

  publish(change: Change): void {
    if (change.kind === 'events') {
      whenCommitted(this.#options.db, () => this.#queueEvents(change.ranges));
      return;
    }
    const unit = currentUnit(this.#options.db);
    if (!unit) {
      this.#listeners.deliver([change], true);
      void this.#send([change]);
      return;
    }
    const pending = this.#pending.get(unit);
    if (pending) {
      const text = JSON.stringify(change);
      if (!pending.some((c) => JSON.stringify(c) === text)) pending.push(change);
      return;
    }
    const changes = [change];
    this.#pending.set(unit, changes);
    unit.beforeCommit((connection: DatabaseConnection) => connection.executeQuery(notifyQuery(this.#encode(changes))).then(() => undefined));
    unit.afterCommit(() => this.#listeners.deliver(changes, true));
  }

  subscribe(listener: ChangeListener): () => void {
    return this.#listeners.subscribe(listener);
  }

  onResync(listener: () => void): () => void {
    return this.#listeners.onResync(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    clearInterval(this.#pingTimer);
    if (this.#eventsTimer) {
      clearTimeout(this.#eventsTimer);
      await this.#flushEvents();
    }
    const client = this.#client;
    this.#client = undefined;
    this.#connected = false;
    this.#listeners.clear();
    await client?.end().catch(() => undefined);
  }

  /** The message for `changes`; one that would not fit says "everything" instead. */
  #encode(changes: Change[]): string {
    const payload = JSON.stringify({ from: this.instanceId, changes });
    if (Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES) return payload;
    return JSON.stringify({ from: this.instanceId, changes: [{ kind: 'everything' }] });
  }

  #queueEvents(ranges: Array<[number, number]>): void {
    for (const [first, last] of ranges) for (let id = first; id <= last; id++) this.#eventIds.push(id);
    this.#eventsTimer ??= setTimeout(() => void this.#flushEvents(), EVENTS_WINDOW_MS);
    this.#eventsTimer.unref?.();
  }

  async #flushEvents(): Promise<void> {
    this.#eventsTimer = undefined;
    const ids = this.#eventIds;
    this.#eventIds = [];
    if (ids.length === 0) return;
    let ranges = idRanges(ids);
    // Too many runs for one message: the span covering them (receivers skip ids they have shown).
    if (JSON.stringify(ranges).length > MAX_PAYLOAD_BYTES - 200) ranges = [[ranges[0]![0], ranges.at(-1)![1]]];
    this.#listeners.deliver([{ kind: 'events', ranges }], true);
    await this.#send([{ kind: 'events', ranges }]);
  }

  /** NOTIFY on the pool, outside any unit; a failure is only logged (receivers resync when their own connection fails). */
  async #send(changes: Change[]): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#options.db.executeQuery(notifyQuery(this.#encode(changes)));
    } catch (err) {
      this.#options.log?.(`change feed: a notification could not be sent: ${(err as Error).message}`);
    }
  }

  #receive(payload: string | undefined): void {
    let json: unknown;
    try {
      json = JSON.parse(payload ?? '');
    } catch {
      return;
    }
    const message = changeMessageSchema.safeParse(json);
    // A foreign or malformed message on our channel changes nothing here.
    if (!message.success || message.data.from === this.instanceId) return;
    this.#listeners.deliver(message.data.changes, false);
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ ...this.#options.connection, keepAlive: true });
    client.on('notification', (msg) => this.#receive(msg.payload));
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    } catch (err) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#connected = true;
    this.#retryMs = 100;
    clearInterval(this.#pingTimer);
    this.#pingTimer = setInterval(() => void this.#ping(client), this.#options.pingIntervalMs);
    this.#pingTimer.unref();
  }

  async #ping(client: pg.Client): Promise<void> {
    // One probe at a time: a slow one is still being judged by its own timeout.
    if (this.#pinging) return;
    this.#pinging = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.query('select 1'),
        new Promise((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), this.#options.pingTimeoutMs);
        }),
      ]);
    } catch {
      this.#lost(client);
    } finally {
      clearTimeout(timer);
      this.#pinging = false;
    }
  }

  /** The LISTEN connection is gone: whatever was announced meanwhile is unknown, so resync and reconnect. */
  #lost(client: pg.Client): void {
    if (this.#closed || client !== this.#client) return;
    this.#client = undefined;
    this.#connected = false;
    clearInterval(this.#pingTimer);
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.#options.log?.('change feed: the LISTEN connection to PostgreSQL dropped; every cache is reloaded while it reconnects');
    this.#listeners.resync();
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#connect().then(
        () => {
          if (this.#closed) return;
          this.#options.log?.('change feed: listening again; every cache was reloaded');
          this.#listeners.resync();
        },
        () => {
          this.#listeners.resync();
          this.#retryMs = Math.min(this.#retryMs * 2, this.#options.retryMaxMs);
          this.#scheduleRetry();
        },
      );
    }, this.#retryMs);
    this.#retryTimer.unref();
  }
}
