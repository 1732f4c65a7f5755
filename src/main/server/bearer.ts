import type { Context } from 'koa';
import { BearerError } from '../http/errors';
import type Provider from 'oidc-provider';
import { sha256Hex } from '../secrets/crypto';
import type { Db } from '../store/database';
import { touchModelLastUse } from '../store/oidc-models-store';
import { findApp } from '../store/apps-store';
import { isMetadataDocumentId } from '../oauth/client-metadata-documents';
import { checkSenderConstraint } from './dpop-proof';

export interface BearerPrincipal {
  kind: 'AccessToken' | 'ClientCredentials';
  clientId: string;
  accountId: string | null;
  workspaceId: string | null;
  actor: 'self' | 'app';
  scopes: Set<string>;
  /** The resource the token was issued for (RFC 8707 `aud`); null for a token asked without `resource`. */
  audience: string | null;
}

/**
 * The resource a route serves (RFC 8707): a token issued for another
 * audience is refused. `acceptUnbound` also accepts tokens issued without
 * any `resource` (no audience): the sample REST API does, because every
 * token was such a token before resource servers existed; an MCP server
 * must not (the MCP authorization spec: tokens issued for it only).
 */
export interface ExpectedResource {
  resource: string;
  acceptUnbound?: boolean;
}

/** Refuses a token whose audience is not the expected resource (401 `invalid_token`). */
function checkAudience(audience: string | null, expected: ExpectedResource): void {
  if (audience === expected.resource) return;
  if (audience === null) {
    if (expected.acceptUnbound) return;
    throw new BearerError(401, 'invalid_token', `The access token has no audience; ask for it with resource=${expected.resource}`);
  }
  throw new BearerError(401, 'invalid_token', `The access token was issued for another resource (${audience}), not for ${expected.resource}`);
}

/** Reads `Authorization: Bearer …` (or `DPoP …`, RFC 9449); throws a 401 BearerError when absent or malformed. */
export function bearerValue(ctx: Context): string {
  const header = ctx.get('authorization');
  if (!header) throw new BearerError(401, undefined, 'An access token is required (Authorization: Bearer <token>)');
  const match = /^(?:Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
  if (!match) throw new BearerError(401, 'invalid_request', 'The Authorization header must be "Bearer <token>" (or "DPoP <token>" for a DPoP-bound token)');
  return match[1]!;
}

/** "Last used" is kept to the half minute: at most one write per token per 30 s. */
const USE_RESOLUTION_MS = 30_000;
const MAX_REMEMBERED_USES = 10_000;
const lastUseWrites = new WeakMap<Db, Map<string, number>>();

async function noteUse(db: Db, kind: string, idHash: string): Promise<void> {
  let writes = lastUseWrites.get(db);
  if (!writes) lastUseWrites.set(db, (writes = new Map()));
  const now = Date.now();
  if (now - (writes.get(idHash) ?? 0) < USE_RESOLUTION_MS) return;
  writes.set(idHash, now);
  if (writes.size > MAX_REMEMBERED_USES) writes.delete(writes.keys().next().value as string);
  await touchModelLastUse(db, kind, idHash, now, USE_RESOLUTION_MS);
}

/**
 * Whether the app a token was issued to still exists. An app of ours is read
 * from the store's app cache (invalidated when an app is deleted); the
 * engine's `Client.find` would also hash its whole metadata on every call.
 * A Client ID Metadata Document's client is the engine's to resolve.
 */
async function clientExists(provider: Provider, db: Db, clientId: string): Promise<boolean> {
  if (isMetadataDocumentId(clientId)) return (await provider.Client.find(clientId)) !== undefined;
  return (await findApp(db, clientId)) !== undefined;
}

/**
 * Checks an access token against the store on every call: a revoked,
 * expired or unknown token, or one whose app was deleted, is refused at once
 * (JWT access tokens too: see resource-indicators.ts). With `expected`, so is
 * a token issued for another resource. A DPoP-bound one needs `request` and
 * a valid proof in it (dpop-proof.ts).
 */
export async function authenticateAccessToken(provider: Provider, db: Db, value: string, expected?: ExpectedResource, request?: Context): Promise<BearerPrincipal> {
  const token = (await provider.AccessToken.find(value)) ?? (await provider.ClientCredentials.find(value));
  if (!token || token.isExpired) throw new BearerError(401, 'invalid_token', 'The access token is invalid, expired or revoked');
  await checkSenderConstraint(db, provider.issuer, token, value, request);
  if (!(await clientExists(provider, db, token.clientId!))) throw new BearerError(401, 'invalid_token', 'The app of this token no longer exists');
  const extra = (token.extra ?? {}) as Record<string, unknown>;
  const audience = typeof token.aud === 'string' ? token.aud : null;
  if (expected) checkAudience(audience, expected);
  await noteUse(db, token.kind, sha256Hex(value));
  const isClientCredentials = token.kind === 'ClientCredentials';
  return {
    kind: isClientCredentials ? 'ClientCredentials' : 'AccessToken',
    clientId: token.clientId!,
    accountId: isClientCredentials ? null : ((token as { accountId?: string }).accountId ?? null),
    workspaceId: (extra.workspace_id as string | undefined) ?? null,
    actor: isClientCredentials || extra.actor === 'app' ? 'app' : 'self',
    scopes: new Set(String(token.scope ?? '').split(' ').filter(Boolean)),
    audience,
  };
}
