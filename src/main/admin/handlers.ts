import { unitOfWork } from '../store/database';
import type { AdminHandlers, ProcedureName } from '../../shared/contract/procedures';
import { listActivity } from './activity';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { createApp, deleteApp, getApp, listApps, rotateAppSecret, setAppConsentPolicy, updateApp } from './apps';
import { applyConfig } from './config/apply-config';
import { exportConfig } from './config/export-config';
import { listConnections, revokeConnection } from './connections';
import { evaluateToken, mintToken } from './minting';
import { previewConsent } from './consent-preview';
import type { AdminServer } from './context';
import { withinWorkspace, type Caller } from './caller';
import {
  createMembership,
  createUser,
  createWorkspace,
  listMemberships,
  listUsers,
  listWorkspaces,
  removeMembership,
  removeUser,
  removeWorkspace,
  updateMembership,
  updateUser,
  updateWorkspace,
} from './identity';
import { createResource, deleteResource, getResource, listResources, updateResource } from './resources';
import { getSettings, issueInitialAccessToken, rotateKeys, serverStatus, updateSettings } from './server-admin';
import { endAllSessionsOfUser, endSession, listSessions } from './sessions';
import { inspectToken, listTokens, revokeAllTokens, revokeToken } from './tokens';
import { verifyToken } from './token-verification';
import { expireTokens } from './token-expiry';
import { clearSimulation, createSimulationRule, deleteSimulation, listSimulation, setClockOffset } from './simulation';
import { createWebhook, deleteWebhook, listWebhookDeliveries, listWebhooks, redeliverWebhook, rotateWebhookSecret, sendTestWebhook, updateWebhook, webhookCatcher } from './webhooks';

/**
 * The admin service: one thin handler per procedure of the contract,
 * each a call to a plain use case. Inputs arrive parsed; the dispatcher
 * validates outputs.
 */
export function createAdminHandlers(server: AdminServer) {
  return atomic(server, {
    'apps.list': (input) => listApps(server, input),
    'apps.get': (input) => getApp(server, input),
    'apps.create': (input, { actor }) => createApp(server, input, { origin: actor.via, actor }),
    'apps.update': (input, { actor }) => updateApp(server, input, actor),
    'apps.delete': (input, { actor }) => deleteApp(server, input, actor),
    'apps.rotateSecret': (input, { actor }) => rotateAppSecret(server, input, actor),
    'apps.setConsentPolicy': (input, { actor }) => setAppConsentPolicy(server, input, actor),

    'workspaces.list': (input) => listWorkspaces(server, input),
    'workspaces.create': (input, { actor }) => createWorkspace(server, input, actor),
    'workspaces.update': (input, { actor }) => updateWorkspace(server, input, actor),
    'workspaces.remove': (input, { actor }) => removeWorkspace(server, input, actor),

    'users.list': (input) => listUsers(server, input),
    'users.create': (input, { actor }) => createUser(server, input, actor),
    'users.update': (input, { actor }) => updateUser(server, input, actor),
    'users.remove': (input, { actor }) => removeUser(server, input, actor),

    'memberships.list': (input) => listMemberships(server, input),
    'memberships.create': (input, { actor }) => createMembership(server, input, actor),
    'memberships.update': (input, { actor }) => updateMembership(server, input, actor),
    'memberships.remove': (input, { actor }) => removeMembership(server, input, actor),

    'apiKeys.list': (input) => listApiKeys(server, input),
    'apiKeys.create': (input, { actor }) => createApiKey(server, input, actor),
    'apiKeys.revoke': (input, { actor }) => revokeApiKey(server, input, actor),

    'tokens.list': (input) => listTokens(server, input),
    'tokens.inspect': (input) => inspectToken(server, input),
    'tokens.verify': (input) => verifyToken(server, input),
    'tokens.revoke': (input, { actor }) => revokeToken(server, input, actor),
    'tokens.revokeAll': (input, { actor }) => revokeAllTokens(server, input, actor),
    'tokens.mint': (input, { actor }) => mintToken(server, input, actor),
    'tokens.evaluate': (input) => evaluateToken(server, input),
    'tokens.expire': (input, { actor }) => expireTokens(server, input, actor),

    'connections.list': (input) => listConnections(server, input),
    'connections.revoke': (input, { actor }) => revokeConnection(server, input, actor),

    'sessions.list': (input) => listSessions(server, input),
    'sessions.end': (input, { actor }) => endSession(server, input, actor),
    'sessions.endAllForUser': (input, { actor }) => endAllSessionsOfUser(server, input, actor),

    'activity.list': (input) => listActivity(server, input),

    'server.status': () => serverStatus(server),
    'server.rotateKeys': (_input, { actor }) => rotateKeys(server, actor),
    'settings.get': () => getSettings(server),
    'settings.update': (input, { actor }) => updateSettings(server, input, actor),
    'registration.createInitialAccessToken': (input, { actor }) => issueInitialAccessToken(server, input, actor),

    'consent.preview': (input) => previewConsent(server, input),

    'webhooks.list': (input) => listWebhooks(server, input),
    'webhooks.create': (input, { actor }) => createWebhook(server, input, actor),
    'webhooks.update': (input, { actor }) => updateWebhook(server, input, actor),
    'webhooks.delete': (input, { actor }) => deleteWebhook(server, input, actor),
    'webhooks.rotateSecret': (input, { actor }) => rotateWebhookSecret(server, input, actor),
    'webhooks.deliveries': (input) => listWebhookDeliveries(server, input),
    'webhooks.redeliver': (input, { actor }) => redeliverWebhook(server, input, actor),
    'webhooks.sendTest': (input, { actor }) => sendTestWebhook(server, input, actor),
    'webhooks.catcher': (input) => webhookCatcher(server, input),
    'simulation.list': () => listSimulation(server),
    'simulation.create': (input, { actor }) => createSimulationRule(server, input, actor),
    'simulation.delete': (input, { actor }) => deleteSimulation(server, input, actor),
    'simulation.clear': (input, { actor }) => clearSimulation(server, input, actor),
    'simulation.setClock': (input, { actor }) => setClockOffset(server, input, actor),
    'resources.list': (input) => listResources(server, input),
    'resources.get': (input) => getResource(server, input),
    'resources.create': (input, { actor }) => createResource(server, input, actor),
    'resources.update': (input, { actor }) => updateResource(server, input, actor),
    'resources.delete': (input, { actor }) => deleteResource(server, input, actor),
    'config.export': (input) => exportConfig(server, input.format),
    'config.import': (input, { actor }) => applyConfig(server, input.document, { actor, file: input.fileName ?? 'console', dryRun: input.dryRun, ...(input.format ? { format: input.format } : {}) }),
  } satisfies AdminHandlers<Caller>);
}

/**
 * Every admin call is one unit of work: a change and the activity event that
 * records it commit together, and a call that fails half-way (an
 * `AdminError` after a write) leaves nothing behind.
 */
function atomic<H extends AdminHandlers<Caller>>(server: AdminServer, handlers: H): H {
  const wrapped = Object.entries(handlers).map(([name, handler]) => [
    name,
    (input: never, caller: Caller) =>
      unitOfWork(server.db, async () => (handler as (input: never, caller: Caller) => Promise<unknown>)(await withinWorkspace(server.db, name as ProcedureName, caller, input), caller)),
  ]);
  return Object.fromEntries(wrapped) as H;
}
