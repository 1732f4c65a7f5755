import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { ROUTES } from '../oauth/routes';
import { createInitialAccessToken } from '../oauth/registration-gate';
import { latestSchemaVersion, type Db } from '../store/database';
import { countRows } from '../store/database';
import { dialectOf } from '../store/dialect';
import { deleteRawSetting, getRawSetting, setRawSetting } from '../store/settings-store';
import { listSigningKeys } from '../store/signing-keys-store';
import { countLiveRows, TOKEN_KIND_MODELS } from '../store/tokens-store';
import { workspaceExists } from '../store/workspaces-store';
import { by, type Actor, type AdminServer } from './context';
import { notFound } from './errors';

async function signingKeys(db: Db) {
  const rows = await listSigningKeys(db);
  return rows.map((r) => ({ kid: r.kid, alg: r.alg, status: r.status, createdAt: r.created_at }));
}

export async function serverStatus(server: AdminServer): Promise<ProcedureOutput<'server.status'>> {
  const now = Date.now();
  const { db } = server;
  return {
    issuer: server.issuer,
    host: server.host,
    port: server.port,
    startedAt: server.startedAt,
    uptimeSeconds: Math.floor((now - server.startedAt) / 1000),
    schemaVersion: server.schemaVersion,
    latestSchemaVersion,
    dataDir: server.dataDir,
    databaseFile: server.databaseFile,
    databaseDialect: dialectOf(db),
    masterKeyKind: server.masterKey.store,
    masterKey: { store: server.masterKey.store, level: server.masterKey.level, message: server.masterKey.message },
    counts: {
      workspaces: await countRows(db, 'workspaces'),
      users: await countRows(db, 'users'),
      apps: await countRows(db, 'apps'),
      activeTokens: await countLiveRows(db, [TOKEN_KIND_MODELS.access, TOKEN_KIND_MODELS.refresh, TOKEN_KIND_MODELS.client_credentials], now),
      activeConnections: await countLiveRows(db, ['Grant'], now),
      events: await countRows(db, 'events'),
    },
    signingKeys: await signingKeys(db),
    storage: server.storage.status,
  };
}

export async function getSettings(server: Pick<AdminServer, 'db' | 'settings'>): Promise<ProcedureOutput<'settings.get'>> {
  return { ...server.settings.current, registrationWorkspaceId: (await getRawSetting(server.db, 'registration_workspace')) ?? null };
}

export async function updateSettings(server: Pick<AdminServer, 'db' | 'settings' | 'activity'>, input: ParsedInput<'settings.update'>, actor: Actor): Promise<ProcedureOutput<'settings.update'>> {
  const { registrationWorkspaceId, ...patch } = input;
  if (registrationWorkspaceId) {
    if (!(await workspaceExists(server.db, registrationWorkspaceId))) throw notFound('registrationWorkspaceId', 'workspace');
  }
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  await server.settings.update(defined);
  if (registrationWorkspaceId) await setRawSetting(server.db, 'registration_workspace', registrationWorkspaceId);
  if (registrationWorkspaceId === null) await deleteRawSetting(server.db, 'registration_workspace');
  server.activity.record({ type: 'settings.updated', detail: { ...by(actor), ...input } });
  return getSettings(server);
}

export async function rotateKeys(server: Pick<AdminServer, 'db' | 'activity' | 'rotateSigningKeys'>, actor: Actor): Promise<ProcedureOutput<'server.rotateKeys'>> {
  const activeKids = await server.rotateSigningKeys();
  server.activity.record({ type: 'keys.rotated', detail: { ...by(actor), activeKids } });
  return { activeKids, signingKeys: await signingKeys(server.db) };
}

export async function issueInitialAccessToken(
  server: Pick<AdminServer, 'provider' | 'activity' | 'issuer'>,
  input: ParsedInput<'registration.createInitialAccessToken'>,
  actor: Actor,
): Promise<ProcedureOutput<'registration.createInitialAccessToken'>> {
  const token = await createInitialAccessToken(server.provider, input.expiresIn);
  server.activity.record({ type: 'registration.access_granted', detail: { ...by(actor), expiresIn: input.expiresIn } });
  return { token, expiresAt: Date.now() + input.expiresIn * 1000, registrationEndpoint: `${server.issuer}${ROUTES.registration}` };
}
