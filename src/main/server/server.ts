import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import Koa from 'koa';
import type { JWK } from 'oidc-provider';
import { PROTECTED_RESOURCE_WELL_KNOWN } from '../../shared/protected-resource-metadata';
import type { ConsentPolicy } from '../../shared/settings';
import { mintAdminToken } from '../admin/admin-token';
import type { AdminServer } from '../admin/context';
import { createAdminDispatcher, type AdminDispatch } from '../admin/dispatch';
import { createAdminHandlers } from '../admin/handlers';
import { enforceHost, hostPolicy, parsePublicUrl, type HostPolicy } from '../http/host-policy';
import { RateLimits } from '../http/rate-limits';
import { CONSOLE_DIRECTIVES, securityHeaders } from '../http/security-headers';
import { ClientCache } from '../oauth/client-cache';
import { installEngineLimits } from '../oauth/engine-limits';
import { rotateSigningKeyRows } from '../oauth/key-rotation';
import { createEngine } from '../oauth/provider';
import { ServerClock } from '../oauth/server-clock';
import { Simulation } from '../oauth/simulation';
import { loadCookieKeys, loadSigningKeys, readSigningKeys } from '../oauth/signing-keys';
import { DATABASE_FILE } from '../paths';
import { FileMasterKeyStore, type MasterKeyStore } from '../secrets/master-key';
import { masterKeyStatusOf } from '../secrets/master-key-selection';
import { MasterKeyInputError, ProvidedMasterKeyStore } from '../secrets/provided-master-key';
import { StartupError } from '../startup-error';
import { needsLateIntegrityCheck, openStore, probeWrite, schemaVersion, StoreDamagedError, whenCommitted, type Db } from '../store/database';
import { redactDatabaseUrl } from '../store/database-url';
import { postgresUrlOf } from '../store/driver-registry';
import { ActivityLog } from '../store/events-store';
import { checkFileIntegrityOffThread } from '../store/integrity-worker';
import { seedDemoData, type SeedResult } from '../store/seed';
import { SettingsStore } from '../store/settings-store';
import { StorageHealth } from '../store/storage-health';
import { startSweeper } from '../store/sweeper';
import { startWebhooks } from '../webhooks/start-webhooks';
import type { WebhookDeliveryOptions } from '../webhooks/webhook-worker';
import { createAdminHttpApp } from './admin-http';
import { createConsoleAssets, type ConsoleAssetsOptions } from './console-assets';
import { listen, prepareDataDir, urlHost } from './listen';
import { firstSteps, openChangeFeed, syncWithOtherInstances } from './cluster';
import { createOwnRoutes } from './own-routes';
import { unitOfWork } from '../store/database';
import { SAMPLE_MCP_PATH } from '../../shared/sample-mcp';
import { applySeedFile, seedFileOf } from './startup-seed';
import type { ConfigReport } from '../../shared/contract/config';

export interface ServerOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Overrides the stored global consent policy at start (e.g. `auto-approve` in CI). */
  consentPolicy?: ConsentPolicy;
  masterKeyStore?: MasterKeyStore;
  /**
   * The URL clients use when the server sits behind a reverse proxy or in a
   * container (`--public-url`): it becomes the issuer, and its host the only
   * one accepted. https, or plain http for loopback hosts unless
   * `allowHttpPublicUrl`.
   */
  publicUrl?: string;
  allowHttpPublicUrl?: boolean;
  /** `false` turns every rate limit off for this run (`--no-rate-limit`), whatever the settings say. */
  rateLimits?: boolean;
  /** Where operational lines go; never receives secrets. */
  log?: (line: string) => void;
  /** Where the web console comes from; `npm run serve` passes a builder. */
  console?: ConsoleAssetsOptions;
  /** Where lines about trouble a person must see go (stderr in the CLI); `log` unless given. */
  alert?: (line: string) => void;
  /**
   * Called when the server stopped itself after start (damage found by the
   * integrity check of a big file), with the one-line reason; the server is
   * already closed then. Without it the reason goes to `alert`.
   */
  onFatal?: (err: StartupError) => void;
  /** How often a full disk is re-tried (ms); 2 s unless given. */
  storageProbeIntervalMs?: number;
  /** Webhook retry schedule, polling, timeout (tests shorten them). */
  webhooks?: Partial<WebhookDeliveryOptions>;
  /**
   * A configuration file applied on every start, before the first request
   * (`--seed FILE`); without it, `<dataDir>/seed.yaml` (`.yml`, `.json`) if
   * there is one. A fresh database started with a seed gets no demo data.
   */
  seedFile?: string;
  /**
   * A PostgreSQL database to keep the state in (`--database postgres://…`,
   * shared staging) instead of the SQLite file in `dataDir`; the data folder
   * still holds the master key file when no keychain is used.
   */
  database?: string;
  /** Most pooled connections to that PostgreSQL database (`--database-pool`). */
  databasePool?: number;
  /**
   * `false` turns off the store's in-memory caches (tokens, grants, apps, users, workspaces, roles; see
   * store/caches.ts): every lookup asks the database. On PostgreSQL they are always off (several
   * instances share the database, and the change feed does not forward them yet).
   */
  caches?: boolean;
}

/** The running server: the admin service's context, plus what the transports and the shell need. */
export interface RunningServer extends AdminServer {
  /** Set on the first run only: the seeded demo app and its one-time secret. */
  seed: SeedResult | undefined;
  /** What the seed file applied at this start created and changed (none without a seed file). */
  seedReport: ConfigReport | undefined;
  /** Bearer token of the HTTP admin transport (`/admin/*`): minted at start, held in memory only. */
  adminToken: string;
  /** The `Host` rule of every route. */
  hosts: HostPolicy;
  rateLimits: RateLimits;
  close(): Promise<void>;
}

/** Steps that undo a start, newest first; run when a later step fails, and by `close`. */
class Undo {
  private readonly steps: Array<() => Promise<unknown>> = [];
  push(step: () => Promise<unknown>): void {
    this.steps.unshift(step);
  }
  async run(): Promise<void> {
    for (const step of this.steps) await step().catch(() => undefined);
  }
}

function publicIssuerOf(options: ServerOptions): string | undefined {
  try {
    return options.publicUrl === undefined ? undefined : parsePublicUrl(options.publicUrl, options.allowHttpPublicUrl);
  } catch (err) {
    throw new StartupError((err as Error).message);
  }
}

/**
 * The database: the SQLite file with its full-disk tracker (which probes the
 * file itself), or the PostgreSQL database of `options.database` (then
 * `databaseFile` is its URL without the password).
 */
async function openDatabase(options: ServerOptions, alert: (line: string) => void, undo: Undo): Promise<{ db: Db; databaseFile: string; storage: StorageHealth }> {
  const databaseFile = options.database ? redactDatabaseUrl(options.database) : join(options.dataDir, DATABASE_FILE);
  let db: Db | undefined;
  const storage = new StorageHealth({
    file: databaseFile,
    alert,
    probe: () => probeWrite(db!),
    ...(options.storageProbeIntervalMs ? { probeIntervalMs: options.storageProbeIntervalMs } : {}),
  });
  try {
    db = options.database
      ? await openStore(options.database, options.databasePool === undefined ? {} : { poolSize: options.databasePool })
      : await openStore(databaseFile, { onError: (err) => storage.observe(err), ...(options.caches === false ? { caches: false } : {}) });
  } catch (err) {
    storage.stop();
    throw new StartupError((err as Error).message);
  }
  const opened = db;
  undo.push(async () => storage.stop());
  undo.push(() => opened.destroy());
  return { db: opened, databaseFile, storage };
}

/** The HTTP listener, answering 503 until the routes are in place. */
async function openListener(options: ServerOptions, undo: Undo): Promise<{ http: Server; port: number; route(handler: (req: IncomingMessage, res: ServerResponse) => void): void }> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const http = createServer((req, res) => handler(req, res));
  http.keepAliveTimeout = 5000;
  const port = await listen(http, options.port, options.host);
  undo.push(
    () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  );
  return { http, port, route: (next) => (handler = next) };
}

/**
 * A big file had only a cheap check before start (milliseconds, where the
 * full check takes seconds); the full one runs now on a read-only connection
 * of its own on a worker thread (node:sqlite blocks the thread it runs on),
 * so the server answers meanwhile, and damage stops the server
 * before it writes more to the file.
 */
function checkIntegrityLate(databaseFile: string, running: RunningServer, isClosing: () => boolean, onFatal: (err: StartupError) => void): void {
  void checkFileIntegrityOffThread(databaseFile, 'quick_check')
    .catch((err: NodeJS.ErrnoException) =>
      err.code === 'SQLITE_CORRUPT' || err.code === 'SQLITE_NOTADB' ? `integrity check failed (the check itself stopped at damage: ${err.message.replace(/^SQLITE_\w+: /, '')})` : null,
    )
    .then(async (damage) => {
      if (!damage || isClosing()) return;
      const fatal = new StartupError(new StoreDamagedError(databaseFile, damage).message);
      await running.close();
      onFatal(fatal);
    });
}

/** The master key (keychain, file, or given at start) and the keys it unlocks: the signing keys and the cookie keys. */
async function loadKeys(masterKeyStore: MasterKeyStore, db: Db): Promise<{ masterKey: Buffer; signingKeys: JWK[]; cookieKeys: string[] }> {
  const masterKey = await masterKeyStore.load().catch((err: Error) => {
    throw new StartupError(`cannot load the master key: ${err.message}`);
  });
  const given = masterKeyStore instanceof ProvidedMasterKeyStore ? ` (the key from ${masterKeyStore.source}: give the key the other instances use)` : '';
  const unlocked = (err: Error) => {
    throw new StartupError(`${err.message}${given}`);
  };
  const signingKeys = await loadSigningKeys(db, masterKey).catch(unlocked);
  return { masterKey, signingKeys, cookieKeys: await loadCookieKeys(db, masterKey).catch(unlocked) };
}

/** Starts the authorization server: store, engine, interactions and APIs on one HTTP listener. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? (() => undefined);
  const alert = options.alert ?? log;
  const publicIssuer = publicIssuerOf(options);
  await prepareDataDir(options.dataDir);
  const undo = new Undo();
  const { db, databaseFile, storage } = await openDatabase(options, alert, undo);
  try {
    const pgUrl = postgresUrlOf(db);
    const changes = await openChangeFeed(db, { databaseFile, pgUrl, log });
    undo.push(() => changes.close());
    const masterKeyStore = options.masterKeyStore ?? new FileMasterKeyStore(options.dataDir);
    const seedFile = await seedFileOf(options);
    const { masterKey, signingKeys, cookieKeys, seed } = await firstSteps(db, masterKeyStore, pgUrl, async () => ({
      ...(await loadKeys(masterKeyStore, db)),
      seed: seedFile ? undefined : await seedDemoData(db),
    })).catch((err: Error) => {
      throw err instanceof MasterKeyInputError ? new StartupError(err.message) : err;
    });
    const settings = new SettingsStore(db);
    await settings.load();
    if (options.consentPolicy) await settings.update({ consentPolicy: options.consentPolicy });
    const activity = new ActivityLog(db);
    const clientCache = new ClientCache();
    const clock = new ServerClock(db);
    await clock.load();
    const simulation = new Simulation(db, activity, clock);
    await simulation.load();
    const listener = await openListener(options, undo);
    const issuer = publicIssuer ?? `http://${urlHost(options.host)}:${listener.port}`;
    const behindProxy = publicIssuer !== undefined;
    const hosts = hostPolicy(issuer, { behindProxy });
    const rateLimits = new RateLimits(
      () => (options.rateLimits === false ? { ...settings.current, rateLimitsEnabled: false } : settings.current),
      activity,
      !behindProxy,
    );
    const csrfKey = createHash('sha256').update(`csrf:${cookieKeys[0]}`).digest();
    // The admin contract's one dispatcher (console, admin HTTP, management API), bound once the server exists.
    let dispatch: AdminDispatch = async () => ({ ok: false, error: { code: 'unavailable', message: 'The server is starting' } });
    const parts = { db, settings, activity, clientCache, issuer, simulation };
    // The engine reads its keys at construction: key rotation builds a new one and swaps it in.
    const build = (keys: JWK[]) => {
      const provider = createEngine({ ...parts, signingKeys: keys, cookieKeys });
      // Behind a proxy the engine reads the scheme and host from X-Forwarded-*, which the Host rule has set to the issuer's.
      provider.proxy = behindProxy;
      installEngineLimits(provider, rateLimits);
      const ownRoutes = createOwnRoutes({ ...parts, provider, log, csrfKey, rateLimits, dispatch: (...args) => dispatch(...args) });
      return { provider, engine: provider.callback(), ownRoutes: ownRoutes.callback() };
    };
    let current = build(signingKeys);
    let currentKids = kidsOf(signingKeys);
    // Bumped by every engine swap: a reload that read before one must not swap an older engine back in.
    let engineVersion = 0;
    const useKeys = (keys: JWK[], next = build(keys)) => {
      current = next;
      currentKids = kidsOf(keys);
      engineVersion++;
    };
    const reloadSigningKeys = async () => {
      for (;;) {
        const version = engineVersion;
        const keys = await readSigningKeys(db, masterKey);
        if (version !== engineVersion) continue;
        if (kidsOf(keys) !== currentKids) useKeys(keys);
        return;
      }
    };
    const lateCheck = !options.database && (await needsLateIntegrityCheck(databaseFile));
    // Background jobs run on the server clock too (timers keep the scope they were made in).
    const stopSweeper = clock.run(() => startSweeper(db, { activityRetentionDays: () => settings.current.activityRetentionDays }));
    undo.push(async () => stopSweeper());
    const webhooks = clock.run(() => startWebhooks({ db, activity, masterKey, issuer }, options.webhooks));
    undo.push(() => webhooks.stop());
    const version = await schemaVersion(db);
    log(`data folder: ${options.dataDir}`);
    let closing: Promise<void> | undefined;
    const running: RunningServer = {
      ...parts,
      port: listener.port,
      host: options.host,
      dataDir: options.dataDir,
      databaseFile,
      startedAt: Date.now(),
      get provider() {
        return current.provider;
      },
      seed,
      seedReport: undefined,
      schemaVersion: version,
      adminToken: mintAdminToken(),
      async rotateSigningKeys() {
        // One unit: the new engine is swapped in only once the rotation (serialized across instances) commits.
        return unitOfWork(db, async () => {
          const kids = await rotateSigningKeyRows(db, masterKey);
          const keys = await loadSigningKeys(db, masterKey);
          const next = build(keys);
          // The engine signs with the new keys only once they are stored for good.
          whenCommitted(db, () => useKeys(keys, next));
          return kids;
        });
      },
      masterKey: masterKeyStatusOf(masterKeyStore),
      hosts,
      rateLimits,
      storage,
      webhooks: webhooks.runtime,
      close() {
        closing ??= (async () => {
          await activity.flush();
          await undo.run();
        })();
        return closing;
      },
    };
    const stopSync = syncWithOtherInstances({ db, changes, settings, simulation, clientCache, activity, reloadSigningKeys, log });
    undo.push(async () => stopSync());
    const dispatchOnClock = createAdminDispatcher(createAdminHandlers(running), activity, log);
    dispatch = (...args) => clock.run(() => dispatchOnClock(...args));
    // Under the start-up lock on PostgreSQL: instances started together apply it one after the other (the second finds it applied).
    if (seedFile) running.seedReport = await clock.run(() => firstSteps(db, masterKeyStore, pgUrl, () => applySeedFile(running, seedFile, log)));
    if (lateCheck) checkIntegrityLate(databaseFile, running, () => closing !== undefined, options.onFatal ?? ((fatal) => alert(`error: ${fatal.message}`)));
    listener.route(routeRequests(running, dispatch, options.console, log, () => current));
    return running;
  } catch (err) {
    await undo.run();
    throw err;
  }
}

/** The key ids of a key set, as one comparable value. */
function kidsOf(keys: JWK[]): string {
  return keys.map((key) => key.kid).join(' ');
}

/** Which part answers a request: the console's files, the admin service, our own routes, or the engine. */
function routeRequests(
  running: RunningServer,
  dispatch: AdminDispatch,
  consoleOptions: ConsoleAssetsOptions | undefined,
  log: (line: string) => void,
  current: () => { engine: (req: IncomingMessage, res: ServerResponse) => void; ownRoutes: (req: IncomingMessage, res: ServerResponse) => void },
): (req: IncomingMessage, res: ServerResponse) => void {
  const serveConsole = withHeaders(createConsoleAssets(consoleOptions));
  const adminRoutes = createAdminHttpApp({ server: running, dispatch, log }).callback();
  return (req, res) => running.simulation.clock.run(() => {
    const path = (req.url ?? '/').split('?')[0]!;
    // /healthz names no host in its answer; containers probe it on whatever address they see.
    if (path !== '/healthz' && !enforceHost(running.hosts, req, res)) return;
    if (path === '/console' || path.startsWith('/console/')) return serveConsole(req, res);
    if (path === '/.well-known/oauth-authorization-server') {
      // RFC 8414 metadata is the same document as OIDC discovery for an issuer without a path.
      req.url = '/.well-known/openid-configuration';
      return current().engine(req, res);
    }
    if (path.startsWith('/admin/')) return adminRoutes(req, res);
    if (path === '/' || path === '/healthz' || path.startsWith('/interaction/') || path.startsWith('/api/') || path.startsWith('/webhooks/') || path === SAMPLE_MCP_PATH) return current().ownRoutes(req, res);
    if (path.startsWith(PROTECTED_RESOURCE_WELL_KNOWN)) return current().ownRoutes(req, res);
    return current().engine(req, res);
  });
}

/** The console's static files (plain Node handler) behind the one security-header configuration, with the console's CSP. */
function withHeaders(serve: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  const app = new Koa();
  app.use(securityHeaders(CONSOLE_DIRECTIVES));
  app.use((ctx) => {
    ctx.respond = false;
    serve(ctx.req, ctx.res);
  });
  return app.callback();
}
