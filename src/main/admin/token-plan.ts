import type { ParsedInput } from '../../shared/contract/procedures';
import type { FieldError } from '../../shared/contract/errors';
import { FULL_ACCESS_SCOPE, findScope, scopeGrantable, SCOPE_NAMES, type ActorMode } from '../../shared/scopes';
import { preferredMembership } from '../oauth/consent-model';
import type { MintRequest } from '../oauth/minted-tokens';
import { findApp } from '../store/apps-store';
import { findUser, userMemberships } from '../store/identity-store';
import { findResourceServer, findResourceServerByIdentifier, type ResourceServerRecord } from '../store/resource-servers-store';
import type { AdminServer } from './context';
import { invalid, notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'issuer'>;

/** Grant types through which an app's tokens act for a user: a consent stands behind them. */
const USER_GRANT_TYPES = ['authorization_code', 'urn:ietf:params:oauth:grant-type:device_code'];

async function resourceNamed(ctx: Ctx, value: string): Promise<ResourceServerRecord | undefined> {
  return (await findResourceServerByIdentifier(ctx.db, ctx.issuer, value)) ?? (await findResourceServer(ctx.db, ctx.issuer, value));
}

/**
 * Applies the consent rules to a "Mint a token" or "Evaluate" request, so
 * both issue (or describe) only what a real flow could: the app's scopes,
 * actor modes and grant types; the user's membership of the workspace; the
 * one role rule (`scopeGrantable`: acting as the user, a scope needs its
 * role; `admin:all` only by an OWNER, never to client credentials). Where a
 * consent would silently leave an ungrantable scope out, this refuses it
 * with a field error: someone asked for it by name.
 */
export async function planTokenRequest(ctx: Ctx, input: ParsedInput<'tokens.mint'>): Promise<MintRequest> {
  const app = await findApp(ctx.db, input.appId);
  if (!app) throw notFound('appId', 'app');
  const actor: ActorMode = input.actor ?? app.actorModes[0] ?? 'self';
  const problems: FieldError[] = [];
  if (!app.actorModes.includes(actor)) problems.push({ field: 'actor', message: `the app allows ${app.actorModes.join(' and ')} only` });

  const resource = input.resource === undefined ? undefined : await resourceNamed(ctx, input.resource);
  if (input.resource !== undefined && !resource) problems.push({ field: 'resource', message: 'names no resource server (give its identifier or id)' });

  const scopes = [...new Set(input.scopes ?? app.scopes)];
  const askable = new Set([...app.scopes, ...(resource?.customScopes.map((s) => s.name) ?? [])]);

  const bot = input.userId === undefined;
  if (bot && actor !== 'app') problems.push({ field: 'userId', message: 'choose a user, or the actor "app" for the app\'s own bot token' });
  if (bot && !app.grantTypes.includes('client_credentials')) problems.push({ field: 'userId', message: 'the bot token without a user is a client-credentials token, and this app does not use that grant' });
  if (!bot && !app.grantTypes.some((g) => USER_GRANT_TYPES.includes(g))) problems.push({ field: 'userId', message: 'this app does not use the authorization code or device flow, so no user authorizes it' });

  const user = bot ? undefined : await findUser(ctx.db, input.userId!);
  if (!bot && !user) throw notFound('userId', 'user');
  const memberships = user ? await userMemberships(ctx.db, user.id) : [];
  const membership = user
    ? input.workspaceId === undefined
      ? preferredMembership(memberships, app)
      : memberships.find((m) => m.workspace.id === input.workspaceId)
    : undefined;
  if (user && !membership) {
    problems.push({ field: 'workspaceId', message: input.workspaceId === undefined ? `${user.email} is not a member of any workspace` : `${user.email} is not a member of this workspace` });
  }
  if (bot && input.workspaceId !== undefined && input.workspaceId !== app.workspaceId) problems.push({ field: 'workspaceId', message: "the app's bot acts in the app's own workspace only" });

  scopes.forEach((scope, index) => {
    const field = `scopes.${index}`;
    if (!askable.has(scope)) return problems.push({ field, message: `not one of the app's scopes${resource ? ` or ${resource.name}'s` : ''} (${[...askable].join(' ')})` });
    if (bot && scope === 'openid') return problems.push({ field, message: 'an ID token is about a user; the bot token has none' });
    if (bot && scope === FULL_ACCESS_SCOPE) return problems.push({ field, message: `${FULL_ACCESS_SCOPE} is granted only by an OWNER's consent, never to client credentials` });
    if (membership && !scopeGrantable(scope, actor, membership.role)) {
      const needed = scope === FULL_ACCESS_SCOPE ? 'OWNER' : findScope(scope)!.minRole;
      return problems.push({ field, message: `needs the ${needed} role; ${user!.email} is ${membership.role} in ${membership.workspace.name}` });
    }
    return undefined;
  });
  if (!scopes.length) problems.push({ field: 'scopes', message: 'ask for at least one scope' });
  if (resource && !scopes.some((s) => resource.scopes.includes(s) || resource.customScopes.some((c) => c.name === s))) {
    problems.push({ field: 'scopes', message: `none of these scopes is one of ${resource.name}'s, so its token would carry no scope` });
  }
  if (problems.length) throw invalid(problems);

  return {
    appId: app.id,
    accountId: user?.id ?? null,
    actor,
    workspaceId: membership?.workspace.id ?? (bot ? app.workspaceId : null),
    scopes,
    engineScopes: scopes.filter((s) => SCOPE_NAMES.includes(s)),
    resource: resource ? { identifier: resource.identifier, scopes: scopes.filter((s) => resource.scopes.includes(s) || resource.customScopes.some((c) => c.name === s)) } : null,
  };
}
