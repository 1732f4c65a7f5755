import { createHash, randomBytes } from 'node:crypto';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { ROUTES } from '../oauth/routes';
import { consentModel, consentPolicyFor } from '../oauth/consent-model';
import { findApp } from '../store/apps-store';
import { findUser, userMemberships } from '../store/identity-store';
import { findResourceServer } from '../store/resource-servers-store';
import type { AdminServer } from './context';
import { invalid, notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'settings' | 'issuer'>;

/**
 * The consent screen a user would see for an app, built by the same
 * function the real consent page uses, and the real authorization URL that
 * leads there (PKCE S256, `prompt=consent` so the screen shows even when
 * consent was given before).
 */
export async function previewConsent(ctx: Ctx, input: ParsedInput<'consent.preview'>): Promise<ProcedureOutput<'consent.preview'>> {
  const app = await findApp(ctx.db, input.appId);
  if (!app) throw notFound('appId', 'app');
  const user = await findUser(ctx.db, input.userId);
  if (!user) throw notFound('userId', 'user');
  if (!app.grantTypes.includes('authorization_code')) {
    throw invalid([{ field: 'appId', message: 'this app does not use the authorization code flow, so no user ever sees its consent screen' }]);
  }
  const memberships = await userMemberships(ctx.db, user.id);
  const problems: Array<{ field: string; message: string }> = [];
  if (input.workspaceId && !memberships.some((m) => m.workspace.id === input.workspaceId)) {
    problems.push({ field: 'workspaceId', message: `${user.email} is not a member of this workspace` });
  }
  const resource = input.resourceId === undefined ? undefined : await findResourceServer(ctx.db, ctx.issuer, input.resourceId);
  if (input.resourceId !== undefined && !resource) problems.push({ field: 'resourceId', message: 'no such resource server' });
  // With a resource, its own scopes may be asked for too (they are not the app's, but the resource's).
  const askable = [...app.scopes, ...(resource?.customScopes.map((s) => s.name) ?? [])];
  const scopes = input.scopes ?? app.scopes;
  scopes.forEach((scope, index) => {
    if (!askable.includes(scope)) problems.push({ field: `scopes.${index}`, message: `not one of the app's scopes${resource ? ` or ${resource.name}'s` : ''} (${askable.join(' ')})` });
  });
  if (input.actor && !app.actorModes.includes(input.actor)) problems.push({ field: 'actor', message: `the app allows ${app.actorModes.join(' and ')} only` });
  const redirectUri = input.redirectUri ?? app.redirectUris[0];
  if (input.redirectUri !== undefined && !app.redirectUris.includes(input.redirectUri)) problems.push({ field: 'redirectUri', message: 'not one of the app\'s redirect URIs (they match exactly)' });
  if (!redirectUri) problems.push({ field: 'appId', message: 'the app has no redirect URI' });
  if (problems.length) throw invalid(problems);

  const params: Record<string, string> = { scope: scopes.join(' '), redirect_uri: redirectUri!, ...(input.actor ? { actor: input.actor } : {}) };
  const selectedWorkspace = input.workspaceId ?? app.workspaceId;
  const model = await consentModel({ params, prompt: { details: {} } }, { ...app, workspaceId: selectedWorkspace }, user, memberships, resource ? [resource] : []);

  const codeVerifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const url = new URL(`${ctx.issuer}${ROUTES.authorization}`);
  url.search = new URLSearchParams({
    client_id: app.id,
    response_type: 'code',
    redirect_uri: redirectUri!,
    scope: params.scope!,
    state,
    code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
    code_challenge_method: 'S256',
    login_hint: user.email,
    prompt: 'consent',
    ...(input.actor ? { actor: input.actor } : {}),
    ...(resource ? { resource: resource.identifier } : {}),
  }).toString();
  return { model: { ...model, preview: true }, authorizationUrl: url.toString(), codeVerifier, state, effectiveConsentPolicy: consentPolicyFor(app, ctx.settings) };
}
