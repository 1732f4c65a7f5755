import { unitOfWork } from '../store/database';
import type { AdminHandlers } from '../../shared/contract/procedures';
import { listActivity } from './activity';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys';
import { createApp, deleteApp, getApp, listApps, rotateAppSecret, setAppConsentPolicy, updateApp } from './apps';
import { listConnections, revokeConnection } from './connections';
import { previewConsent } from './consent-preview';
import { CONSOLE, type AdminServer } from './context';
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
import { getSettings, issueInitialAccessToken, rotateKeys, serverStatus, updateSettings } from './server-admin';
import { inspectToken, listTokens, revokeAllTokens, revokeToken } from './tokens';

/**
 * The admin service: one thin handler per procedure of the contract,
 * each a call to a plain use case. Inputs arrive parsed; the dispatcher
 * validates outputs.
 */
export function createAdminHandlers(server: AdminServer) {
  return atomic(server, {
    'apps.list': (input) => listApps(server, input),
    'apps.get': (input) => getApp(server, input),
    'apps.create': (input) => createApp(server, input, { origin: 'console', actor: CONSOLE }),
    'apps.update': (input) => updateApp(server, input, CONSOLE),
    'apps.delete': (input) => deleteApp(server, input, CONSOLE),
    'apps.rotateSecret': (input) => rotateAppSecret(server, input, CONSOLE),
    'apps.setConsentPolicy': (input) => setAppConsentPolicy(server, input, CONSOLE),

    'workspaces.list': (input) => listWorkspaces(server, input),
    'workspaces.create': (input) => createWorkspace(server, input, CONSOLE),
    'workspaces.update': (input) => updateWorkspace(server, input, CONSOLE),
    'workspaces.remove': (input) => removeWorkspace(server, input, CONSOLE),

    'users.list': (input) => listUsers(server, input),
    'users.create': (input) => createUser(server, input, CONSOLE),
    'users.update': (input) => updateUser(server, input, CONSOLE),
    'users.remove': (input) => removeUser(server, input, CONSOLE),

    'memberships.list': (input) => listMemberships(server, input),
    'memberships.create': (input) => createMembership(server, input, CONSOLE),
    'memberships.update': (input) => updateMembership(server, input, CONSOLE),
    'memberships.remove': (input) => removeMembership(server, input, CONSOLE),

    'apiKeys.list': (input) => listApiKeys(server, input),
    'apiKeys.create': (input) => createApiKey(server, input, CONSOLE),
    'apiKeys.revoke': (input) => revokeApiKey(server, input, CONSOLE),

    'tokens.list': (input) => listTokens(server, input),
    'tokens.inspect': (input) => inspectToken(server, input),
    'tokens.revoke': (input) => revokeToken(server, input, CONSOLE),
    'tokens.revokeAll': (input) => revokeAllTokens(server, input, CONSOLE),

    'connections.list': (input) => listConnections(server, input),
    'connections.revoke': (input) => revokeConnection(server, input, CONSOLE),

    'activity.list': (input) => listActivity(server, input),

    'server.status': () => serverStatus(server),
    'server.rotateKeys': () => rotateKeys(server, CONSOLE),
    'settings.get': () => getSettings(server),
    'settings.update': (input) => updateSettings(server, input, CONSOLE),
    'registration.createInitialAccessToken': (input) => issueInitialAccessToken(server, input, CONSOLE),

    'consent.preview': (input) => previewConsent(server, input),
  } satisfies AdminHandlers);
}

/**
 * Every admin call is one unit of work: a change and the activity event that
 * records it commit together, and a call that fails half-way (an
 * `AdminError` after a write) leaves nothing behind.
 */
function atomic<H extends AdminHandlers>(server: AdminServer, handlers: H): H {
  const wrapped = Object.entries(handlers).map(([name, handler]) => [name, (input: never) => unitOfWork(server.db, () => (handler as (input: never) => Promise<unknown>)(input))]);
  return Object.fromEntries(wrapped) as H;
}
