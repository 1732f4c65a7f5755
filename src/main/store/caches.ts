import type { UnitOfWork } from './unit-of-work';

/**
 * Every fact the server keeps in memory between requests instead of asking
 * the store again, in one place, so that it can be switched off
 * (`caches: false`) and forgotten from outside the process.
 *
 * | kind         | what                                              | key                         | forgotten when                                                                                        |
 * |--------------|---------------------------------------------------|-----------------------------|-------------------------------------------------------------------------------------------------------|
 * | `token`      | a live access or client-credentials token's or grant's row | `<model kind>:<stored id>` (`client:<id>`: all of one client's) | it is consumed, revoked, destroyed, expired by "Expire now", superseded (single live token), its app deleted; any write to `oidc_models` but "last used" |
 * | `app`        | an app's record (the sample API's bot answer)     | client id                   | any write to `apps` or `app_redirect_uris`                                                            |
 * | `user`       | a user's record                                   | user id                     | any write to `users`                                                                                  |
 * | `workspace`  | a workspace's record                              | workspace id                | any write to `workspaces`                                                                             |
 * | `membership` | a user's role in a workspace (or "not a member")  | `<workspace id> <user id>`  | any write to `memberships`                                                                            |
 * | `grant`      | a consent grant's workspace and actor (written once, never changed) | grant id  | only `invalidateAll`                                                                                  |
 *
 * A delete from `workspaces`, `users` or `apps` forgets everything (foreign
 * keys cascade to rows of other kinds). Writes through the query builder are
 * seen by {@link CacheInvalidationPlugin}; the engine adapter's written-out
 * statements say what they change themselves.
 *
 * **When.** A local write forgets at once (so its own unit of work reads
 * it back from the store) and again when its unit ends, committed or
 * rolled back, so that a read which ran meanwhile cannot leave the old
 * value behind. Inside a unit of work token rows come from its transaction
 * (what it reads and what it writes stay one atomic step); apps, users,
 * workspaces and roles are read from the caches, and filled while the unit
 * has written nothing of their kind (see readThrough); a committed token
 * upsert is written through. (The engine's client metadata has its own cache,
 * oauth/client-cache.ts, which the change feed already drives.)
 *
 * A store on PostgreSQL (several instances) has no caches: `cachesOf` gives
 * caches that are off to a handle `openStore` did not attach them to. Each entry map has a generation: a read that started
 * before an invalidation does not store what it read.
 *
 * **Other instances.** {@link StoreCaches.invalidate} and
 * {@link StoreCaches.invalidateAll} are the entry points for changes made
 * elsewhere (PostgreSQL's LISTEN/NOTIFY); {@link StoreCaches.onChange}
 * tells a listener about every local change, so it can announce it. A
 * change reaches another instance when its notification does: until then
 * that instance may answer from its cache.
 */
export type CacheKind = 'token' | 'app' | 'user' | 'workspace' | 'membership' | 'grant';

export const CACHE_KINDS: readonly CacheKind[] = ['token', 'app', 'user', 'workspace', 'membership', 'grant'];

/** A remembered value (which may itself be `undefined`: "no such row"), or nothing remembered. */
export type Remembered<V> = { value: V } | undefined;

/**
 * One bounded map of remembered values, oldest forgotten first, with an
 * optional lifetime and an optional secondary index (a token's client).
 */
export class CacheMap<V> {
  readonly #entries = new Map<string, { value: V; at: number; group: string | undefined }>();
  readonly #groups = new Map<string, Set<string>>();
  readonly #max: number;
  readonly #ttlMs: number | undefined;
  #generation = 0;
  readonly #enabled: () => boolean;

  constructor(enabled: () => boolean, max: number, ttlMs?: number) {
    this.#enabled = enabled;
    this.#max = max;
    this.#ttlMs = ttlMs;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Remembered<V> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.#ttlMs !== undefined && performance.now() - entry.at > this.#ttlMs) {
      this.delete(key);
      return undefined;
    }
    return { value: entry.value };
  }

  /** Taken before reading the store; pass it to {@link set}. */
  ticket(): number {
    return this.#generation;
  }

  /** Remembers what a read found, unless something was invalidated since its ticket was taken. */
  set(key: string, value: V, ticket: number, group?: string): void {
    if (ticket !== this.#generation || !this.#enabled()) return;
    this.#put(key, value, group);
  }

  /** Remembers a value known to be the newest committed one (a write-through). */
  put(key: string, value: V, group?: string): void {
    if (this.#enabled()) this.#put(key, value, group);
  }

  #put(key: string, value: V, group: string | undefined): void {
    this.delete(key);
    this.#entries.set(key, { value, at: performance.now(), group });
    if (group !== undefined) {
      let keys = this.#groups.get(group);
      if (!keys) this.#groups.set(group, (keys = new Set()));
      keys.add(key);
    }
    if (this.#entries.size > this.#max) this.delete(this.#entries.keys().next().value as string);
  }

  delete(key: string): void {
    this.#generation++;
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    if (entry.group !== undefined) {
      const keys = this.#groups.get(entry.group);
      keys?.delete(key);
      if (keys?.size === 0) this.#groups.delete(entry.group);
    }
  }

  /** Forgets every entry of one group (a client's tokens). */
  deleteGroup(group: string): void {
    this.#generation++;
    for (const key of [...(this.#groups.get(group) ?? [])]) this.delete(key);
  }

  clear(): void {
    this.#generation++;
    this.#entries.clear();
    this.#groups.clear();
  }
}

/**
 * The `token` key that stands for every cached token of one client (its
 * rows changed in bulk: superseded by a single live token, its app deleted).
 * Model kinds are capitalised, so no token key starts with it.
 */
const CLIENT_TOKENS = 'client:';

export function clientTokensKey(clientId: string): string {
  return `${CLIENT_TOKENS}${clientId}`;
}

/**
 * Freezes a value and everything it holds, so that one cached object can be
 * handed to every caller: none can change what the next one gets (a write
 * throws, modules being strict). Cheaper than a copy per read, which was
 * 10% of the resource API's main thread (structuredClone).
 */
export function deepFreeze<V>(value: V): V {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

/**
 * Reads through one of the store's caches: a remembered value, else `load`,
 * remembered unless something was invalidated meanwhile. Values from the
 * cache are frozen ({@link deepFreeze}), so no caller can change what the
 * next one gets.
 *
 * Inside a unit of work too (see {@link StoreCaches.mayFill}): the caches
 * exist only on SQLite, where a unit holds the one connection and the write
 * lock (`begin immediate`) from its first statement, so no other writer can
 * commit meanwhile and an entry is exactly what the unit's transaction would
 * read; every write forgets its fact at once, so a unit reads its own writes
 * from its transaction. What a unit loads is remembered only while it has
 * written nothing of that kind: then it is committed state. This is for
 * facts that are not single-use (apps, users, workspaces, roles); token rows
 * inside a unit always come from the transaction (`findModel`).
 */
export async function readThrough<V>(caches: StoreCaches, kind: 'app' | 'user' | 'workspace' | 'membership', key: string, load: () => Promise<V>): Promise<V> {
  if (!caches.enabled) return load();
  const map = caches.mapOf(kind);
  const remembered = map.get(key);
  if (remembered) return remembered.value as V;
  if (!caches.mayFill(kind)) return load();
  const ticket = map.ticket();
  const value = deepFreeze(await load());
  map.set(key, value, ticket);
  return value;
}

/** A cached token row: what the adapter's `find` reads. */
export interface CachedTokenRow {
  payload: string;
  revoked_at: number | null;
}

/** A membership's role, or null for "not a member". */
export type CachedRole = string | null;

export interface StoreCachesOptions {
  /** `false` turns every cache off: each lookup asks the store. */
  enabled?: boolean;
}

/** A change of one cached fact (`key` absent: every fact of the kind). */
export type CacheChangeListener = (kind: CacheKind, key: string | undefined) => void;

/** The caches of one open store (see the table above). */
export class StoreCaches {
  readonly enabled: boolean;
  readonly tokens: CacheMap<CachedTokenRow>;
  readonly apps: CacheMap<unknown>;
  readonly users: CacheMap<unknown>;
  readonly workspaces: CacheMap<unknown>;
  readonly memberships: CacheMap<CachedRole>;
  readonly grants: CacheMap<unknown>;
  #unitOf: () => UnitOfWork | undefined = () => undefined;
  /** The kinds of fact each open unit of work has written ('all': every kind). */
  readonly #unitWrites = new WeakMap<UnitOfWork, Set<CacheKind | 'all'>>();
  readonly #listeners = new Set<CacheChangeListener>();

  constructor(options: StoreCachesOptions = {}) {
    this.enabled = options.enabled ?? true;
    const on = () => this.enabled;
    this.tokens = new CacheMap(on, 5_000);
    this.apps = new CacheMap(on, 1_000);
    this.users = new CacheMap(on, 2_000);
    this.workspaces = new CacheMap(on, 1_000);
    this.memberships = new CacheMap(on, 5_000);
    this.grants = new CacheMap(on, 10_000);
  }

  /** Tells the caches how to find the caller's unit of work (the store does it at open). */
  attach(unitOf: () => UnitOfWork | undefined): void {
    this.#unitOf = unitOf;
  }

  /**
   * True when the caller may read and fill the caches of facts that change
   * (all but `grant`): caches on, and the caller not inside a
   * unit of work, whose reads must come from its own transaction (what it
   * reads and what it writes are one atomic step, and it may see its own
   * uncommitted writes).
   */
  get usable(): boolean {
    return this.enabled && this.#unitOf() === undefined;
  }

  /**
   * True when what the caller loads of `kind` may be remembered: caches on,
   * and outside a unit of work, or inside one that has written nothing of
   * that kind (so what it loads is committed state, see {@link readThrough}).
   */
  mayFill(kind: CacheKind): boolean {
    if (!this.enabled) return false;
    const unit = this.#unitOf();
    if (!unit) return true;
    const written = this.#unitWrites.get(unit);
    return !written || (!written.has(kind) && !written.has('all'));
  }

  /** The entries of one kind. */
  mapOf(kind: CacheKind): CacheMap<unknown> {
    return this.#map(kind);
  }

  #map(kind: CacheKind): CacheMap<unknown> {
    switch (kind) {
      case 'token':
        return this.tokens;
      case 'app':
        return this.apps;
      case 'user':
        return this.users;
      case 'workspace':
        return this.workspaces;
      case 'membership':
        return this.memberships;
      case 'grant':
        return this.grants;
    }
  }

  /**
   * Forgets one fact, or every fact of a kind: the entry point for changes
   * made outside this process (another instance's NOTIFY). It announces
   * nothing.
   */
  invalidate(kind: CacheKind, key?: string): void {
    const map = this.#map(kind);
    if (key === undefined) map.clear();
    else if (kind === 'token' && key.startsWith(CLIENT_TOKENS)) map.deleteGroup(key.slice(CLIENT_TOKENS.length));
    else map.delete(key);
  }

  /** Forgets every fact of every kind (a lost change feed, a resync). */
  invalidateAll(): void {
    for (const kind of CACHE_KINDS) this.#map(kind).clear();
  }

  /** Calls `listener` for every change made through this process's store; returns the unsubscribe function. */
  onChange(listener: CacheChangeListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /**
   * A local write changed a fact (`key` absent: any fact of the kind, or
   * every kind with `kind` 'all'): forgets it now and again when the
   * caller's unit of work ends, and tells the listeners.
   */
  changed(kind: CacheKind | 'all', key?: string): void {
    const forget = kind === 'all' ? () => this.invalidateAll() : () => this.invalidate(kind, key);
    forget();
    const unit = this.#unitOf();
    if (unit) {
      unit.afterCommit(forget);
      unit.afterRollback(forget);
      const written = this.#unitWrites.get(unit) ?? new Set();
      written.add(kind);
      this.#unitWrites.set(unit, written);
    }
    for (const listener of this.#listeners) {
      try {
        if (kind === 'all') for (const each of CACHE_KINDS) listener(each, undefined);
        else listener(kind, key);
      } catch {
        // A listener's failure (an announcement that could not be sent) must not fail the write.
      }
    }
  }

  /** Runs `apply` once the caller's writes are committed (at once outside a unit); never after a rollback. */
  afterCommit(apply: () => void): void {
    const unit = this.#unitOf();
    if (unit) unit.afterCommit(apply);
    else apply();
  }
}

const cachesByHandle = new WeakMap<object, StoreCaches>();

/** Makes `caches` the caches of the store handle `db` (openStore does it). */
export function attachCaches(db: object, caches: StoreCaches): void {
  cachesByHandle.set(db, caches);
}

/** The caches of a store handle; a handle opened without them gets caches that are off. */
export function cachesOf(db: object): StoreCaches {
  let caches = cachesByHandle.get(db);
  if (!caches) cachesByHandle.set(db, (caches = new StoreCaches({ enabled: false })));
  return caches;
}
