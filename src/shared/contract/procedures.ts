import type { z } from 'zod';
import * as activity from './activity';
import * as apps from './apps';
import { emptyInputSchema } from './common';
import * as config from './config';
import * as identity from './identity';
import * as minting from './minting';
import * as resources from './resources';
import * as server from './server';
import * as sessions from './sessions';
import * as simulation from './simulation';
import * as tokens from './tokens';
import * as tokenVerification from './token-verification';
import * as webhooks from './webhooks';

export interface ProcedureDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** `query` reads (cache it), `mutation` changes state (invalidate after). */
  kind: 'query' | 'mutation';
  summary: string;
}

function query<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDefinition<I, O> {
  return { input, output, kind: 'query', summary };
}

function mutation<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): ProcedureDefinition<I, O> {
  return { input, output, kind: 'mutation', summary };
}

/**
 * The admin service: every console action, by `domain.verb` name, with the
 * schema of its input and output. Transports (IPC, HTTP) and the renderer's
 * client are all derived from this one map.
 */
export const adminContract = {
  'apps.list': query(apps.appsListInput, apps.appsListOutput, 'List apps, newest first; search and filter by workspace, type, origin, environment'),
  'apps.get': query(apps.appIdInput, apps.appsGetOutput, 'One app with token and connection counts'),
  'apps.create': mutation(apps.appsCreateInput, apps.appWithSecretSchema, 'Create an app; a confidential app gets its secret once'),
  'apps.update': mutation(apps.appsUpdateInput, apps.appSchema, 'Change an app; redirect URIs are checked by the seed rules'),
  'apps.delete': mutation(apps.appIdInput, apps.appsDeleteOutput, 'Delete an app and revoke its tokens'),
  'apps.rotateSecret': mutation(apps.appIdInput, apps.appWithSecretSchema, 'Replace the client secret; the new one is shown once'),
  'apps.setConsentPolicy': mutation(apps.appsSetConsentPolicyInput, apps.appSchema, "Set the app's consent policy (null follows the server)"),

  'workspaces.list': query(identity.workspacesListInput, identity.workspacesListOutput, 'List workspaces with member and app counts'),
  'workspaces.create': mutation(identity.workspacesCreateInput, identity.workspaceSchema, 'Create a workspace'),
  'workspaces.update': mutation(identity.workspacesUpdateInput, identity.workspaceSchema, 'Rename a workspace or change its slug'),
  'workspaces.remove': mutation(identity.workspacesRemoveInput, identity.workspacesRemoveOutput, 'Remove a workspace, its apps, keys and memberships'),

  'users.list': query(identity.usersListInput, identity.usersListOutput, 'List test users with their memberships'),
  'users.create': mutation(identity.usersCreateInput, identity.userSchema, 'Create a test user'),
  'users.update': mutation(identity.usersUpdateInput, identity.userSchema, 'Change a test user'),
  'users.remove': mutation(identity.usersRemoveInput, identity.usersRemoveOutput, 'Remove a test user and revoke their tokens'),

  'memberships.list': query(identity.membershipsListInput, identity.membershipsListOutput, 'List memberships of a workspace or a user'),
  'memberships.create': mutation(identity.membershipsCreateInput, identity.membershipSchema, 'Add a user to a workspace with a role'),
  'memberships.update': mutation(identity.membershipsUpdateInput, identity.membershipSchema, "Change a member's role (a workspace keeps one OWNER)"),
  'memberships.remove': mutation(identity.membershipKeyInput, identity.membershipsRemoveOutput, 'Remove a user from a workspace'),

  'apiKeys.list': query(identity.apiKeysListInput, identity.apiKeysListOutput, 'List workspace API keys (hints only)'),
  'apiKeys.create': mutation(identity.apiKeysCreateInput, identity.apiKeysCreateOutput, 'Create a workspace API key; the key is shown once'),
  'apiKeys.revoke': mutation(identity.apiKeysRevokeInput, identity.apiKeySchema, 'Revoke a workspace API key'),

  'tokens.list': query(tokens.tokensListInput, tokens.tokensListOutput, 'List codes and tokens, newest first, with filters and keyset paging'),
  'tokens.inspect': query(tokens.tokensInspectInput, tokens.tokensInspectOutput, 'Inspect a token by id or pasted value; JWTs are verified and explained'),
  'tokens.verify': query(tokenVerification.tokensVerifyInput, tokenVerification.tokensVerifyOutput, 'Verify a JWT against a pasted key (JWK, JWKS, PEM) or a JWKS URL: signature, alg, kid, expiry, issuer, audience'),
  'tokens.revoke': mutation(tokens.tokensRevokeInput, tokens.tokensRevokeOutput, 'Revoke one token'),
  'tokens.revokeAll': mutation(tokens.tokensRevokeAllInput, tokens.tokensRevokeAllOutput, 'Revoke every token of an app, a user or a grant'),
  'tokens.mint': mutation(minting.tokenRequestInput, minting.tokensMintOutput, 'Mint real tokens for an app and a user (or its bot) without a browser, by the consent rules; shown once'),
  'tokens.evaluate': query(minting.tokenRequestInput, minting.tokensEvaluateOutput, 'What the ID token, access token and userinfo would contain for an app, a user and scopes; issues nothing'),
  'tokens.expire': mutation(tokens.tokensExpireInput, tokens.tokensExpireOutput, 'Expire now (not revoke) one token, every token of an app, or a grant and its tokens'),

  'connections.list': query(tokens.connectionsListInput, tokens.connectionsListOutput, 'List connections (grants) per user and app'),
  'connections.revoke': mutation(tokens.connectionsRevokeInput, tokens.connectionsRevokeOutput, 'Revoke a connection and every token of it'),

  'sessions.list': query(sessions.sessionsListInput, sessions.sessionsListOutput, 'Who is signed in to the sign-in pages: live sessions, newest first, with their apps'),
  'sessions.end': mutation(sessions.sessionsEndInput, sessions.sessionsEndOutput, 'End one session: its browser signs in again on the next request'),
  'sessions.endAllForUser': mutation(sessions.sessionsEndAllInput, sessions.sessionsEndAllOutput, 'End every session of a user'),

  'activity.list': query(activity.activityListInput, activity.activityListOutput, 'The activity log: filter, page back, or follow with afterId'),

  'server.status': query(emptyInputSchema, server.serverStatusOutput, 'Issuer, port, uptime, schema version, counts, data folder, keys'),
  'server.rotateKeys': mutation(emptyInputSchema, server.rotateKeysOutput, 'New signing keys become active at once; old ones stay published'),
  'settings.get': query(emptyInputSchema, server.settingsSchema, 'Lifetimes, consent and registration policy'),
  'settings.update': mutation(server.settingsUpdateInput, server.settingsSchema, 'Change settings; they apply without a restart'),
  'registration.createInitialAccessToken': mutation(
    server.initialAccessTokenInput,
    server.initialAccessTokenOutput,
    'Issue an initial access token for dynamic registration (shown once)',
  ),

  'consent.preview': query(server.consentPreviewInput, server.consentPreviewOutput, 'The consent screen a user would see, and the real authorization URL'),

  'webhooks.list': query(webhooks.webhooksListInput, webhooks.webhooksListOutput, "An app's webhook endpoints (secret hints only)"),
  'webhooks.create': mutation(webhooks.webhooksCreateInput, webhooks.webhookWithSecretSchema, 'Add a webhook endpoint to an app; its signing secret is shown once'),
  'webhooks.update': mutation(webhooks.webhooksUpdateInput, webhooks.webhookEndpointSchema, "Change a webhook endpoint's URL, events, description or enabled state"),
  'webhooks.delete': mutation(webhooks.webhookKeyInput, webhooks.webhooksDeleteOutput, 'Delete a webhook endpoint and its delivery log'),
  'webhooks.rotateSecret': mutation(webhooks.webhookKeyInput, webhooks.webhookWithSecretSchema, 'Replace the signing secret; the new one is shown once and signs from now on'),
  'webhooks.deliveries': query(webhooks.webhookDeliveriesInput, webhooks.webhookDeliveriesOutput, "An app's webhook deliveries, newest first, with every attempt; keyset paging"),
  'webhooks.redeliver': mutation(webhooks.webhookRedeliverInput, webhooks.webhookDeliverySchema, 'Send a delivery again now (same webhook-id), one more attempt'),
  'webhooks.sendTest': mutation(webhooks.webhookKeyInput, webhooks.webhookDeliverySchema, 'Queue a webhook.test event for one endpoint'),
  'webhooks.catcher': query(webhooks.webhookCatcherInput, webhooks.webhookCatcherOutput, "The app's built-in catcher: its URL and the requests it received"),
  'simulation.list': query(simulation.simulationListInput, simulation.simulationListOutput, 'Fault and latency simulation rules (in effect first) and the server clock offset'),
  'simulation.create': mutation(simulation.simulationCreateInput, simulation.simulationRuleSchema, 'Add a rule: an endpoint (optionally one app, one grant type) answers an RFC error, 429/503 or slowly'),
  'simulation.delete': mutation(simulation.simulationDeleteInput, simulation.simulationDeleteOutput, 'Remove one simulation rule'),
  'simulation.clear': mutation(simulation.simulationClearInput, simulation.simulationClearOutput, 'Remove every simulation rule; with clock: true also back to real time'),
  'simulation.setClock': mutation(simulation.simulationSetClockInput, simulation.simulationSetClockOutput, 'Time travel: offset the server clock (seconds, + or -) for every expiry decision and JWT iat/exp'),
  'resources.list': query(resources.resourcesListInput, resources.resourcesListOutput, 'List resource servers (RFC 8707 APIs tokens are issued for), built-in ones first'),
  'resources.get': query(resources.resourceIdInput, resources.resourceServerSchema, 'One resource server with its RFC 9728 metadata document'),
  'resources.create': mutation(resources.resourcesCreateInput, resources.resourceServerSchema, 'Add a resource server: identifier, scopes, token format and lifetime'),
  'resources.update': mutation(resources.resourcesUpdateInput, resources.resourceServerSchema, 'Change a resource server (a built-in one keeps its identifier)'),
  'resources.delete': mutation(resources.resourceIdInput, resources.resourcesDeleteOutput, 'Delete a resource server; its resource value gets invalid_target from then on'),
  'config.export': query(config.configExportInput, config.configExportOutput, 'Export the declared state (workspaces, users, apps, resources, settings, webhooks) as YAML or JSON, without secrets'),
  'config.import': mutation(config.configImportInput, config.configReportSchema, 'Apply a configuration document (matched by slug, email, client id, identifier, URL); dryRun reports what would change'),
} as const satisfies Record<string, ProcedureDefinition>;

export type AdminContract = typeof adminContract;
export type ProcedureName = keyof AdminContract;
export type ProcedureInput<P extends ProcedureName> = z.input<AdminContract[P]['input']>;
export type ParsedInput<P extends ProcedureName> = z.output<AdminContract[P]['input']>;
export type ProcedureOutput<P extends ProcedureName> = z.output<AdminContract[P]['output']>;

export const PROCEDURE_NAMES = Object.keys(adminContract) as ProcedureName[];

export function isProcedureName(name: unknown): name is ProcedureName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(adminContract, name);
}

/** The handler map a server implements: one function per procedure, typed by the contract; `C` is who calls (the server's caller type). */
export type AdminHandlers<C = void> = { [P in ProcedureName]: (input: ParsedInput<P>, caller: C) => Promise<ProcedureOutput<P>> };

/** IPC: one channel per procedure, `admin:<procedure>`; live changes arrive on `admin:changes`. */
export const ADMIN_IPC_PREFIX = 'admin:';
export const ADMIN_CHANGES_CHANNEL = 'admin:changes';

export function ipcChannel(procedure: ProcedureName): string {
  return `${ADMIN_IPC_PREFIX}${procedure}`;
}
