import { relayActivity } from '../admin/activity-relay';
import type { ClientCache } from '../oauth/client-cache';
import type { Simulation } from '../oauth/simulation';
import { refuseUnsharedMasterKey } from '../secrets/provided-master-key';
import type { MasterKeyStore } from '../secrets/master-key';
import { attachChangeFeed, InProcessChangeFeed, publishChange, type Change, type ChangeFeed } from '../store/change-feed';
import type { Db } from '../store/database';
import { dialectOf } from '../store/dialect';
import type { ActivityLog } from '../store/events-store';
import { pgErrorText } from '../store/pg-error-text';
import { StartupError } from '../startup-error';
import type { SettingsStore } from '../store/settings-store';

/**
 * Several instances on one database (see "Several instances" in the
 * README): what a server does at start so that it shares one state with the
 * others — its feed of changes, its first steps under the start-up lock,
 * and the reloads of what it holds in memory when another instance changed
 * it.
 */

/** The feed for `db`: LISTEN/NOTIFY on PostgreSQL, in-process on SQLite. Attached to `db`, so every writer announces through it. */
export async function openChangeFeed(db: Db, where: { databaseFile: string; pgUrl: string | undefined; log?: (line: string) => void }): Promise<ChangeFeed> {
  // The PostgreSQL modules load on demand, as the store's driver does: a server on SQLite never loads `pg`.
  const feed =
    where.pgUrl !== undefined
      ? await (await import('../store/pg-change-feed')).PgChangeFeed.start({ db, connection: { connectionString: where.pgUrl }, ...(where.log ? { log: where.log } : {}) }).catch((err: unknown) => {
          throw new StartupError(`cannot listen for changes on ${where.databaseFile}: ${pgErrorText(err)}`);
        })
      : new InProcessChangeFeed(db, where.databaseFile);
  attachChangeFeed(db, feed);
  return feed;
}

/**
 * Runs an instance's first steps on the database (keys, demo data, seed
 * file) one instance at a time on PostgreSQL; refuses a per-machine master
 * key there first.
 */
export async function firstSteps<T>(db: Db, masterKeyStore: MasterKeyStore, pgUrl: string | undefined, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres' || pgUrl === undefined) return fn();
  refuseUnsharedMasterKey(masterKeyStore);
  const { withPgStartupLock } = await import('../store/pg-startup-lock');
  return withPgStartupLock(pgUrl, fn);
}

export interface SyncedParts {
  db: Db;
  changes: ChangeFeed;
  settings: SettingsStore;
  simulation: Simulation;
  clientCache: ClientCache;
  activity: ActivityLog;
  /** Reads the signing keys again and swaps in an engine built with them when they differ. */
  reloadSigningKeys(): Promise<void>;
  /** Forgets a named cache's entry, or all of it, or every cache (`name` absent). */
  invalidateCaches?(name?: string, key?: string): void;
  log(line: string): void;
}

/**
 * Keeps what this instance holds in memory beside the store in step with
 * the database: on each change another instance announces, the part it
 * names is read again or forgotten; on a resync (the feed's connection
 * dropped or came back), every part. Returns the stop function.
 */
export function syncWithOtherInstances(parts: SyncedParts): () => void {
  const { changes, clientCache } = parts;
  clientCache.announceWith((id) => publishChange(parts.db, id === undefined ? { kind: 'clients' } : { kind: 'clients', id }));
  let failing = false;
  const reload = (what: string, run: () => Promise<void>) => {
    run().then(
      () => (failing = false),
      (err: Error) => {
        // Once per episode: the next announcement or resync tries again.
        if (!failing) parts.log(`change feed: reloading ${what} failed (${err.message}); it is read again at the next change or resync`);
        failing = true;
      },
    );
  };
  const everything = () => {
    clientCache.forget();
    parts.invalidateCaches?.();
    reload('the settings', () => parts.settings.load().then(() => undefined));
    reload('the simulation rules', () => parts.simulation.load());
    reload('the clock offset', () => parts.simulation.clock.load());
    reload('the signing keys', parts.reloadSigningKeys);
  };
  const apply = (change: Change, fromSelf: boolean) => {
    // An app written here was forgotten before its commit; forgetting it again after the commit drops what a read in between cached.
    if (change.kind === 'clients') return clientCache.forget(change.id);
    if (fromSelf) return;
    if (change.kind === 'settings') reload('the settings', () => parts.settings.load().then(() => undefined));
    else if (change.kind === 'simulation') reload('the simulation rules', () => parts.simulation.load());
    else if (change.kind === 'clock') reload('the clock offset', () => parts.simulation.clock.load());
    else if (change.kind === 'keys') reload('the signing keys', parts.reloadSigningKeys);
    else if (change.kind === 'cache') parts.invalidateCaches?.(change.name, change.key);
    else if (change.kind === 'everything') everything();
  };
  const unsubscribe = changes.subscribe(apply);
  const unResync = changes.onResync(everything);
  const stopRelay = relayActivity(parts);
  return () => {
    unsubscribe();
    unResync();
    stopRelay();
  };
}
