import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer as startRunningServer, type RunningServer } from '../server/server';
import { createAdminClient } from './admin-client';
import { simulationHelpers } from './simulation-helpers';
import type { AdminClient, DemoClients, OAuthConsoleServer, SeededOAuthConsoleServer, StartServer, StartServerOptions } from './types';

/** The seeded demo workspace, read back through the contract; a fresh data folder is always seeded. */
async function demoOf(running: RunningServer, admin: AdminClient): Promise<DemoClients> {
  const seed = running.seed;
  if (!seed?.clientSecret) throw new Error('oauth-console: the fresh data folder was not seeded with the demo app');
  const app = await admin.call('apps.get', { id: seed.appId });
  const { items } = await admin.call('memberships.list', { workspaceId: seed.workspaceId });
  return {
    workspaceId: seed.workspaceId,
    app: { clientId: seed.appId, clientSecret: seed.clientSecret, redirectUris: app.redirectUris },
    users: items.map((m) => ({ id: m.userId, email: m.userEmail, name: m.userName, role: m.role })),
  };
}

/**
 * Starts an isolated server for a test suite: a fresh temporary data folder
 * (a new database, master key in a 0600 file there, never the OS keychain),
 * port 0 on loopback, rate limits off. The data folder goes away on
 * `stop()` unless `keepData`; a start that fails removes it too.
 *
 * @example
 * const server = await startServer();
 * const { clientId, clientSecret } = server.demo.app;
 * await server.stop();
 */
async function start(options: StartServerOptions = {}): Promise<OAuthConsoleServer | SeededOAuthConsoleServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'oauth-console-'));
  const removeData = () => (options.keepData ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  const log = options.log;
  let running: RunningServer;
  try {
    running = await startRunningServer({
      dataDir,
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      rateLimits: options.rateLimits === true,
      ...(options.consentPolicy ? { consentPolicy: options.consentPolicy } : {}),
      ...(log ? { log } : {}),
      ...(options.seed !== undefined ? { seedFile: resolve(options.seed) } : {}),
      alert: log ?? ((line) => console.error(`oauth-console: ${line}`)),
    });
  } catch (err) {
    await removeData();
    throw err;
  }
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= running.close().then(removeData));
  try {
    const admin = createAdminClient(running, log);
    const base = { issuer: running.issuer, dataDir, admin, ...simulationHelpers(admin), stop, [Symbol.asyncDispose]: stop };
    if (options.seed !== undefined) return { ...base, seedReport: running.seedReport! };
    return { ...base, demo: await demoOf(running, admin) };
  } catch (err) {
    await stop();
    throw err;
  }
}

export const startServer = start as StartServer;
