import type Provider from 'oidc-provider';
import type { ActorMode } from '../../shared/scopes';
import { sha256Hex } from '../secrets/crypto';
import type { Db } from '../store/database';
import { setGrantContext } from '../store/grants-store';
import { markModelMinted } from '../store/oidc-models-store';
import { createFindAccount } from './accounts';
import { ID_TOKEN_CLAIMS } from './id-token-claims';
import { resourceServerInfo } from './resource-indicators';
import { contextClaims } from './token-claims';

/**
 * "Mint a token" and "Evaluate": tokens for an app and a user without a
 * browser, built from the engine's own models the way its code exchange
 * builds them (oidc-provider's lib/helpers/grant_common.js `issueTokens`),
 * so they are stored, introspected, refreshed and revoked like any other.
 * The request was checked by the consent rules first (admin/token-plan.ts).
 */

/** A request the consent rules accepted: what a consent would have granted. */
export interface MintRequest {
  appId: string;
  /** The user; null for the app's bot token (client credentials). */
  accountId: string | null;
  actor: ActorMode;
  workspaceId: string | null;
  /** Every scope granted, as asked. */
  scopes: string[];
  /** The granted scopes the engine knows as its own (the catalog's), granted as OpenID scopes. */
  engineScopes: string[];
  /** The resource server (RFC 8707) and its granted scopes. */
  resource: { identifier: string; scopes: string[] } | null;
}

type Parts = { provider: Provider; db: Db; issuer: string };
type Client = NonNullable<Awaited<ReturnType<Provider['Client']['find']>>>;
type Grant = InstanceType<Provider['Grant']>;
type AccessToken = InstanceType<Provider['AccessToken']>;

/** The `gty` of minted tokens (the engine keeps the grant type a token came from; a refresh appends ` refresh_token`). */
export const MINTED_GTY = 'minted';

/** The engine's `issueRefreshToken`: an app that may use refresh tokens gets one with every grant. */
export function issuesRefreshTokens(client: { grantTypeAllowed(type: string): boolean }): boolean {
  return client.grantTypeAllowed('refresh_token');
}

/**
 * The ID token's claim scope, as the engine decides it: with its
 * `conformIdTokenClaims` (its default, which provider.ts keeps), when the
 * access token can read userinfo (it has no audience) the ID token carries
 * only `sub` of the OpenID claims and userinfo the rest (OpenID Connect Core
 * §5.4), unless the app has `id_token_claims` (id-token-claims.ts puts the
 * access token's scope back then; its wrapper reads the request's access
 * token, which a minted token has none of, so the same rule is applied here).
 */
function idTokenScope(grant: Grant, at: AccessToken, scopes: Set<string>, client: Client): string {
  if (at.aud) return grant.getOIDCScopeFiltered(scopes);
  return client.metadata()[ID_TOKEN_CLAIMS] === true && at.scope ? at.scope : 'openid';
}

async function clientOf(provider: Provider, appId: string): Promise<Client> {
  const client = await provider.Client.find(appId);
  if (!client) throw new Error(`the app ${appId} cannot be loaded by the engine`);
  return client;
}

async function resourceServerFor(parts: Parts, identifier: string) {
  return new parts.provider.ResourceServer(identifier, await resourceServerInfo(parts, identifier));
}

/** The grant a consent would have saved. */
function grantFor(provider: Provider, request: MintRequest, accountId: string): Grant {
  const grant = new provider.Grant({ accountId, clientId: request.appId });
  if (request.engineScopes.length) grant.addOIDCScope(request.engineScopes.join(' '));
  if (request.resource?.scopes.length) grant.addResourceScope(request.resource.identifier, request.resource.scopes.join(' '));
  return grant;
}

/** The access token a code exchange would issue for the grant (`resolveAndApplyResource`). */
async function accessTokenFor(parts: Parts, request: MintRequest, client: Client, grant: Grant, grantId: string, accountId: string): Promise<AccessToken> {
  const at = new parts.provider.AccessToken({ accountId, client, grantId, gty: MINTED_GTY });
  const asked = new Set(request.scopes);
  if (request.resource) {
    at.resourceServer = await resourceServerFor(parts, request.resource.identifier);
    const served = at.resourceServer.scopes as Set<string>;
    at.scope = grant.getResourceScopeFiltered(request.resource.identifier, [...asked].filter((s) => served.has(s)));
  } else {
    at.scope = grant.getOIDCScopeFiltered(asked);
  }
  return at;
}

/** The ID token the code exchange would issue (`issueIdToken`), not yet signed. */
async function idTokenFor(parts: Parts, client: Client, grant: Grant, at: AccessToken, account: { grantId?: string; extra?: Record<string, unknown> }, accountId: string, scopes: Set<string>) {
  const found = await createFindAccount(parts.db)(undefined, accountId, account);
  if (!found) throw new Error('the user is gone');
  const scope = idTokenScope(grant, at, scopes, client);
  const rejected = grant.getRejectedOIDCClaims();
  const claims = await found.claims('id_token', scope, {}, rejected);
  const token = new parts.provider.IdToken({ ...claims, sub: found.accountId }, { client });
  Object.assign(token, { scope, mask: {}, rejected });
  return token;
}

export interface Minted {
  accessToken: string;
  expiresIn: number;
  scope: string;
  refreshToken: string | null;
  idToken: string | null;
  accessTokenId: string;
  grantId: string | null;
}

/**
 * Issues the tokens and stores them through the engine's adapter. A grant
 * is saved with its workspace, actor and the minted mark; a bot token
 * without a user is a client-credentials token, as that grant would issue.
 */
export async function mintTokens(parts: Parts, request: MintRequest): Promise<Minted> {
  const client = await clientOf(parts.provider, request.appId);
  if (request.accountId === null) {
    const token = new parts.provider.ClientCredentials({ client, scope: request.scopes.join(' ') || undefined });
    if (request.resource) {
      token.resourceServer = await resourceServerFor(parts, request.resource.identifier);
      token.scope = request.resource.scopes.join(' ') || undefined;
    }
    const value = await token.save();
    const accessTokenId = storedIdOf(value, token);
    await markModelMinted(parts.db, 'ClientCredentials', accessTokenId);
    return { accessToken: value, expiresIn: token.expiration, scope: token.scope ?? '', refreshToken: null, idToken: null, accessTokenId, grantId: null };
  }
  const accountId = request.accountId;
  const grant = grantFor(parts.provider, request, accountId);
  const grantId = await grant.save();
  await setGrantContext(parts.db, grantId, { workspaceId: request.workspaceId!, actor: request.actor, minted: true });
  const at = await accessTokenFor(parts, request, client, grant, grantId, accountId);
  const accessToken = await at.save();
  let refreshToken: string | null = null;
  if (issuesRefreshTokens(client)) {
    const rt = new parts.provider.RefreshToken({
      accountId,
      client,
      grantId,
      gty: MINTED_GTY,
      scope: request.scopes.join(' '),
      rotations: 0,
      ...(request.resource ? { resource: request.resource.identifier } : {}),
    });
    refreshToken = await rt.save();
  }
  const scopes = new Set(request.scopes);
  const idToken = scopes.has('openid') ? await (await idTokenFor(parts, client, grant, at, { grantId }, accountId, scopes)).issue({ use: 'idtoken' }) : null;
  return { accessToken, expiresIn: at.expiration, scope: at.scope ?? '', refreshToken, idToken, accessTokenId: storedIdOf(accessToken, at), grantId: sha256Hex(grantId) };
}

/** The stored id of an access token: the hash of its value, or of its `jti` for a JWT (see resource-indicators.ts). */
function storedIdOf(value: string, token: { jti?: string; format?: string }): string {
  return sha256Hex(value.split('.').length === 3 && token.jti ? token.jti : value);
}

export interface Evaluation {
  idToken: Record<string, unknown> | null;
  accessToken: Record<string, unknown>;
  userinfo: Record<string, unknown> | null;
  refreshToken: boolean;
  notes: string[];
}

/** Claims set per issue, left out of an evaluation. */
const PER_ISSUE = ['iat', 'exp', 'jti', 'auth_time', 'nonce', 'sid', 'at_hash', 'c_hash'];
const withoutPerIssue = (claims: Record<string, unknown>) => Object.fromEntries(Object.entries(claims).filter(([name, value]) => value !== undefined && !PER_ISSUE.includes(name)));

/**
 * What minting would issue, computed by the same steps on objects that are
 * never saved: the engine's grant, access token, ID token and claim filter
 * (`provider.Claims`, which userinfo uses), the account's claims and the
 * extra token claims.
 */
export async function evaluateTokens(parts: Parts, request: MintRequest): Promise<Evaluation> {
  const client = await clientOf(parts.provider, request.appId);
  const notes: string[] = [];
  const context = { workspaceId: request.workspaceId, actor: request.actor };
  if (request.accountId === null) {
    const scope = (request.resource ? request.resource.scopes : request.scopes).join(' ') || undefined;
    notes.push("The app's bot token without a user: a client-credentials token, with no refresh token, ID token or userinfo.");
    return {
      idToken: null,
      accessToken: withoutPerIssue({ workspace_id: client.metadata().workspace_id, actor: 'app', client_id: client.clientId, iss: parts.issuer, aud: request.resource?.identifier, scope }),
      userinfo: null,
      refreshToken: false,
      notes,
    };
  }
  const accountId = request.accountId;
  const grant = grantFor(parts.provider, request, accountId);
  const at = await accessTokenFor(parts, request, client, grant, 'evaluation', accountId);
  const scopes = new Set(request.scopes);
  const account = { extra: { workspace_id: request.workspaceId } };
  const accessToken = withoutPerIssue({ ...contextClaims(context), sub: accountId, client_id: client.clientId, iss: parts.issuer, aud: at.aud, scope: at.scope || undefined });

  let idToken: Record<string, unknown> | null = null;
  if (scopes.has('openid')) {
    const token = await idTokenFor(parts, client, grant, at, account, accountId, scopes);
    idToken = withoutPerIssue({ ...(await token.payload()), iss: parts.issuer, aud: client.clientId });
    if (!at.aud && client.metadata()[ID_TOKEN_CLAIMS] !== true) notes.push("The access token can read userinfo, so the ID token carries only sub of the user's claims; userinfo has the rest (OpenID Connect Core §5.4), unless the app's idTokenClaims option is on.");
  } else {
    notes.push('No ID token: openid was not asked for.');
  }

  let userinfo: Record<string, unknown> | null = null;
  if (at.aud) notes.push(`Userinfo refuses this access token: it is for the resource ${String(at.aud)}.`);
  else if (!at.scopes.has('openid')) notes.push('Userinfo refuses this access token: it lacks the openid scope.');
  else {
    const found = await createFindAccount(parts.db)(undefined, accountId, account);
    const scope = grant.getOIDCScopeFiltered(at.scopes);
    const rejected = grant.getRejectedOIDCClaims();
    const filter = new parts.provider.Claims({ ...(await found!.claims('userinfo', scope, {}, rejected)), sub: accountId }, { client });
    filter.scope(scope);
    filter.mask({});
    filter.rejected(rejected);
    userinfo = await filter.result();
  }
  const refreshToken = issuesRefreshTokens(client);
  if (!refreshToken) notes.push('No refresh token: the app does not use the refresh_token grant.');
  return { idToken, accessToken, userinfo, refreshToken, notes };
}
