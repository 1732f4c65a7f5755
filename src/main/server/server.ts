import { createHash } from 'node:crypto';
import { access, constants, mkdir, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import type { JWK } from 'oidc-provider';
import type { ConsentPolicy } from '../../shared/settings';
import type { AdminServer } from '../admin/context';
import { createAdminHttpApp } from './admin-http';
import { mintAdminToken } from '../admin/admin-token';
import { rotateSigningKeyRows } from '../oauth/key-rotation';
import { ClientCache } from '../oauth/client-cache';
import { installEngineLimits } from '../oauth/engine-limits';
import { createEngine } from '../oauth/provider';
import { loadCookieKeys, loadSigningKeys } from '../oauth/signing-keys';
import { DATABASE_FILE } from '../paths';
import { FileMasterKeyStore, type MasterKeyStore } from '../secrets/master-key';
import { masterKeyStatusOf } from '../secrets/master-key-selection';
import { needsLateIntegrityCheck, openStore, probeWrite, schemaVersion, StoreDamagedError, whenCommitted, type Db } from '../store/database';
import { checkFileIntegrity } from '../store/integrity';
import { StorageHealth, isStorageFull } from '../store/storage-health';
import { ActivityLog } from '../store/events-store';
import { seedDemoData, type SeedResult } from '../store/seed';
import { SettingsStore } from '../store/settings-store';
import { startSweeper } from '../store/sweeper';
import { OWN_BODY_LIMIT, tooLargeBody } from './body-limit';
import { createConsoleAssets, type ConsoleAssetsOptions } from './console-assets';
import { enforceHost, hostPolicy, parsePublicUrl, type HostPolicy } from './host-policy';
import { errorPage } from './html';
import { createInteractionRouter } from './interactions';
import { createManagementApi } from './management-api';
import { RateLimits } from './rate-limits';
import { createResourceApi } from './resource-api';
import { CONSOLE_DIRECTIVES, securityHeaders } from './security-headers';
import type { RouteContext } from './route-context';
import { unitPerRequest } from '../oauth/serialized-requests';
import { answerStorageFull } from '../oauth/storage-answers';

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
}

/** The running server: the admin service's context, plus what the transports and the shell need. */
export interface RunningServer extends AdminServer {
  /** Set on the first run only: the seeded demo app and its one-time secret. */
  seed: SeedResult | undefined;
  /** Bearer token of the HTTP admin transport (`/admin/*`): minted at start, held in memory only. */
  adminToken: string;
  /** The `Host` rule of every route. */
  hosts: HostPolicy;
  rateLimits: RateLimits;
  close(): Promise<void>;
}

/** A start-up failure with a message meant for a human, printed as one line. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** The port is taken; the desktop shell offers another instead of changing the issuer itself. */
export class PortInUseError extends StartupError {
  override name = 'PortInUseError';
  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`port ${port} on ${host} is already in use (choose another with --port, or --port 0 for a free one)`);
  }
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * `mkdir -p`, with the true reason when it fails: a recursive mkdir under a
 * read-only mount reports ENOENT (the missing parent) where the parent's own
 * mkdir says EROFS, so the missing part is made one level at a time.
 */
async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const missing: string[] = [];
    let existing = dir;
    for (; !(await stat(existing).then(() => true, () => false)) && dirname(existing) !== existing; existing = dirname(existing)) missing.unshift(existing);
    for (const part of missing) await mkdir(part, { mode: 0o700 });
  }
}

async function prepareDataDir(dataDir: string): Promise<void> {
  try {
    await makeDirs(dataDir);
    await access(dataDir, constants.W_OK | constants.R_OK);
  } catch (err) {
    throw new StartupError(`data folder ${dataDir} is not usable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (choose another with --data-dir)`);
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(port, host));
      else if (err.code === 'EACCES') reject(new StartupError(`not allowed to listen on port ${port} on ${host} (choose a port above 1024)`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new StartupError(`cannot listen on host ${host}: no such local address`));
      else reject(new StartupError(`cannot listen on ${host}:${port}: ${err.message}`));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Starts the authorization server: store, engine, interactions and APIs on one HTTP listener. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? (() => undefined);
  let publicIssuer: string | undefined;
  try {
    publicIssuer = options.publicUrl === undefined ? undefined : parsePublicUrl(options.publicUrl, options.allowHttpPublicUrl);
  } catch (err) {
    throw new StartupError((err as Error).message);
  }
  const alert = options.alert ?? log;
  await prepareDataDir(options.dataDir);
  const databaseFile = join(options.dataDir, DATABASE_FILE);
  let db: Db;
  const storage = new StorageHealth({
    file: databaseFile,
    alert,
    probe: () => probeWrite(db),
    ...(options.storageProbeIntervalMs ? { probeIntervalMs: options.storageProbeIntervalMs } : {}),
  });
  try {
    db = await openStore(databaseFile, { onError: (err) => storage.observe(err) });
  } catch (err) {
    throw new StartupError((err as Error).message);
  }
  const cleanup: Array<() => Promise<unknown>> = [() => db.destroy(), async () => storage.stop()];
  try {
    const masterKeyStore = options.masterKeyStore ?? new FileMasterKeyStore(options.dataDir);
    const masterKey = await masterKeyStore.load().catch((err: Error) => {
      throw new StartupError(`cannot load the master key: ${err.message}`);
    });
    const settings = new SettingsStore(db);
    await settings.load();
    if (options.consentPolicy) await settings.update({ consentPolicy: options.consentPolicy });
    const seed = await seedDemoData(db);
    const signingKeys = await loadSigningKeys(db, masterKey).catch((err: Error) => {
      throw new StartupError(err.message);
    });
    const cookieKeys = await loadCookieKeys(db, masterKey);
    const activity = new ActivityLog(db);
    const clientCache = new ClientCache();

    let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
      res.statusCode = 503;
      res.end();
    };
    const http = createServer((req, res) => handler(req, res));
    http.keepAliveTimeout = 5000;
    const port = await listen(http, options.port, options.host);
    cleanup.unshift(
      () =>
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
    );
    const issuer = publicIssuer ?? `http://${urlHost(options.host)}:${port}`;
    const behindProxy = publicIssuer !== undefined;
    const hosts = hostPolicy(issuer, { behindProxy });
    const rateLimits = new RateLimits(
      () => (options.rateLimits === false ? { ...settings.current, rateLimitsEnabled: false } : settings.current),
      activity,
      !behindProxy,
    );
    const csrfKey = createHash('sha256').update(`csrf:${cookieKeys[0]}`).digest();
    // The engine reads its keys at construction: key rotation builds a new one and swaps it in.
    const build = (keys: JWK[]) => {
      const provider = createEngine({ issuer, db, settings, activity, signingKeys: keys, cookieKeys, clientCache });
      // Behind a proxy the engine reads the scheme and host from X-Forwarded-*, which the Host rule has set to the issuer's.
      provider.proxy = behindProxy;
      installEngineLimits(provider, rateLimits);
      return { provider, engine: provider.callback(), ownRoutes: createHttpApp({ provider, db, settings, activity, clientCache, issuer, log, csrfKey, rateLimits }).callback() };
    };
    let current = build(signingKeys);
    const lateCheck = await needsLateIntegrityCheck(databaseFile);
    const stopSweeper = startSweeper(db);
    cleanup.unshift(async () => stopSweeper());
    const version = await schemaVersion(db);
    log(`data folder: ${options.dataDir}`);
    let closing: Promise<void> | undefined;
    const running: RunningServer = {
      issuer,
      port,
      host: options.host,
      dataDir: options.dataDir,
      databaseFile,
      startedAt: Date.now(),
      db,
      get provider() {
        return current.provider;
      },
      settings,
      activity,
      clientCache,
      seed,
      schemaVersion: version,
      adminToken: mintAdminToken(),
      async rotateSigningKeys() {
        const kids = await rotateSigningKeyRows(db, masterKey);
        const next = build(await loadSigningKeys(db, masterKey));
        // The engine signs with the new keys only once they are stored for good.
        whenCommitted(db, () => (current = next));
        return kids;
      },
      masterKey: masterKeyStatusOf(masterKeyStore),
      hosts,
      rateLimits,
      storage,
      close() {
        closing ??= (async () => {
          await activity.flush();
          for (const step of cleanup) await step().catch(() => undefined);
        })();
        return closing;
      },
    };
    if (lateCheck) {
      // A big file had only a cheap check before start (milliseconds, where the full check takes
      // seconds); the full one runs now on a read-only connection of its own, so the server answers
      // meanwhile, and damage stops the server before it writes more to the file.
      void checkFileIntegrity(databaseFile, 'quick_check')
        .catch((err: NodeJS.ErrnoException) =>
          err.code === 'SQLITE_CORRUPT' || err.code === 'SQLITE_NOTADB' ? `integrity check failed (the check itself stopped at damage: ${err.message.replace(/^SQLITE_\w+: /, '')})` : null,
        )
        .then(async (damage) => {
          if (!damage || closing) return;
          const fatal = new StartupError(new StoreDamagedError(databaseFile, damage).message);
          await running.close();
          if (options.onFatal) options.onFatal(fatal);
          else alert(`error: ${fatal.message}`);
        });
    }
    const serveConsole = withHeaders(createConsoleAssets(options.console));
    const adminRoutes = createAdminHttpApp({ server: running, log }).callback();
    handler = (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      // /healthz names no host in its answer; containers probe it on whatever address they see.
      if (path !== '/healthz' && !enforceHost(hosts, req, res)) return;
      if (path === '/console' || path.startsWith('/console/')) return serveConsole(req, res);
      if (path === '/.well-known/oauth-authorization-server') {
        // RFC 8414 metadata is the same document as OIDC discovery for an issuer without a path.
        req.url = '/.well-known/openid-configuration';
        return current.engine(req, res);
      }
      if (path.startsWith('/admin/')) return adminRoutes(req, res);
      if (path === '/' || path === '/healthz' || path.startsWith('/interaction/') || path.startsWith('/api/')) return current.ownRoutes(req, res);
      return current.engine(req, res);
    };
    return running;
  } catch (err) {
    for (const step of cleanup) await step().catch(() => undefined);
    throw err;
  }
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


/** Our own routes: sign-in and consent pages, the sample API, health. */
function createHttpApp(deps: RouteContext): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(securityHeaders());
  app.use(async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: 'not_found', error_description: `No route for ${ctx.method} ${ctx.path}` };
      }
    } catch (raw) {
      if (isStorageFull(raw)) {
        // The storage tracker logs the episode once; each request only gets the honest answer.
        answerStorageFull(ctx, ctx.path.startsWith('/interaction/'));
        return;
      }
      const err = raw as { status?: number; statusCode?: number; expose?: boolean; message?: string; error?: string; error_description?: string };
      const status = err.status ?? err.statusCode ?? 500;
      const internal = status >= 500;
      if (internal) {
        deps.log(`error on ${ctx.method} ${ctx.path}: ${err.message ?? 'unknown'}`);
        deps.activity.record({ type: 'server.error', level: 'error', detail: { method: ctx.method, path: ctx.path, message: err.message } });
      }
      const code = internal ? 'server_error' : (err.error ?? (status === 403 ? 'forbidden' : status === 429 ? 'too_many_requests' : 'invalid_request'));
      const description =
        status === 413
          ? tooLargeBody(OWN_BODY_LIMIT).error_description
          : internal
            ? 'An internal error occurred; the activity log has the details.'
            : (err.error_description ?? err.message ?? 'Bad request');
      ctx.status = status;
      if (status === 413) ctx.set('Connection', 'close');
      if (ctx.path.startsWith('/interaction/')) {
        ctx.type = 'html';
        ctx.body = errorPage(code, description);
      } else {
        ctx.body = { error: code, error_description: description };
      }
    }
  });
  app.use(bodyParser({ enableTypes: ['json', 'form'], jsonLimit: OWN_BODY_LIMIT, formLimit: OWN_BODY_LIMIT, encoding: 'utf-8' }));
  // Sign-in and consent read the interaction, then write the grant and the result: one step, so a
  // form submitted twice at once is decided once (the second sees the first's result). Writes of the
  // management and sample APIs are units too; their reads stay outside.
  const serialized = (ctx: Koa.Context) => ctx.path.startsWith('/interaction/') || (ctx.path.startsWith('/api/') && ctx.method !== 'GET' && ctx.method !== 'HEAD');
  app.use(unitPerRequest(deps.db, serialized));
  const interactions = createInteractionRouter(deps);
  const management = createManagementApi(deps);
  const api = createResourceApi(deps);
  app.use(interactions.routes()).use(interactions.allowedMethods());
  app.use(management.routes()).use(management.allowedMethods());
  app.use(api.routes()).use(api.allowedMethods());
  app.use(async (ctx, next) => {
    if (ctx.path === '/' || ctx.path === '/healthz') {
      ctx.body = {
        name: 'OAuth Console',
        issuer: deps.issuer,
        discovery: `${deps.issuer}/.well-known/openid-configuration`,
        authorizationServerMetadata: `${deps.issuer}/.well-known/oauth-authorization-server`,
        status: 'ok',
      };
      return;
    }
    await next();
  });
  return app;
}
