import Provider, { errors, type Adapter, type AdapterPayload, type Configuration, type JWK } from 'oidc-provider';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import type { Db } from '../store/database';
import { findResourceServerByIdentifier } from '../store/resource-servers-store';

type ResourceIndicators = NonNullable<NonNullable<Configuration['features']>['resourceIndicators']>;

/** The JWS algorithm of RFC 9068 access tokens: the engine's default for ID tokens, published in its JWKS. */
const JWT_ACCESS_TOKEN_ALG = 'RS256' as const;

/**
 * RFC 8707 resource indicators, from the resource servers the console
 * manages: `resource` on the authorization, token and refresh requests names
 * one of them and binds the token's audience (`aud`) to it; a value that
 * names none gets `invalid_target`. Its token format (opaque, or an RFC 9068
 * JWT signed by the engine) and lifetime come from its row.
 *
 * - No `resource` asked: no audience, as before resource servers existed;
 *   such tokens carry the catalog scopes asked for (see bearer.ts for who
 *   accepts them).
 * - `useGrantedResource`: a code or refresh token granted for a resource
 *   issues access tokens for it even when the token request repeats no
 *   `resource` and asks for `openid`; without this the engine would issue a
 *   userinfo token then, and a client that bound its grant to an MCP server
 *   would get a token that server refuses.
 */
export function resourceIndicatorsFeature(parts: { db: Db; issuer: string }): ResourceIndicators {
  return {
    enabled: true,
    useGrantedResource: async () => true,
    getResourceServerInfo: async (_ctx, indicator) => resourceServerInfo(parts, indicator),
  };
}

/** What the engine knows of a resource server (its scopes, audience, token format and lifetime); `invalid_target` when none has this identifier. */
export async function resourceServerInfo(parts: { db: Db; issuer: string }, indicator: string) {
  const server = await findResourceServerByIdentifier(parts.db, parts.issuer, indicator);
  if (!server) throw new errors.InvalidTarget('the resource indicator names no resource server of this authorization server');
  return {
    scope: [...server.scopes, ...server.customScopes.map((s) => s.name)].join(' '),
    audience: server.identifier,
    accessTokenFormat: server.tokenFormat,
    ...(server.accessTokenTtl !== null ? { accessTokenTTL: server.accessTokenTtl } : {}),
    ...(server.tokenFormat === 'jwt' ? { jwt: { sign: { alg: JWT_ACCESS_TOKEN_ALG } } } : {}),
  };
}

/**
 * An access-token lifetime that prefers the resource server's own: the
 * engine's `ttl.AccessToken` and `ttl.ClientCredentials` with the server's
 * setting as the fallback.
 */
export function resourceServerTtl(fallback: () => number) {
  return (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } } | undefined): number => token?.resourceServer?.accessTokenTTL ?? fallback();
}

type TokenModel = {
  prototype: { getValueAndPayload(this: TokenInstance): Promise<{ value: string; payload?: AdapterPayload }> };
  find(value: unknown, options?: { ignoreExpiration?: boolean }): Promise<unknown>;
  verify(stored: AdapterPayload, options?: { ignoreExpiration?: boolean }): Promise<AdapterPayload>;
  instantiate(payload: AdapterPayload): unknown;
  adapter: Adapter;
};
type TokenInstance = { format?: string; iat?: number; exp?: number };

/** The public half of each signing key: what verifies the JWTs the engine signs. */
function publicKeys(signingKeys: readonly JWK[]): JSONWebKeySet {
  const PRIVATE = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
  return { keys: signingKeys.map((key) => Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE.has(name)))) };
}

/** Three base64url parts: the shape of a compact JWS. */
const looksLikeJws = (value: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(value);

/**
 * RFC 9068 access tokens, stored like opaque ones. The engine issues a JWT
 * access token without storing it (it is meant to be checked by its
 * signature alone), so revoking one would change nothing until it expired.
 * Here its record is stored under its `jti` (hashed, like every id), with
 * `format: 'jwt'`, so the grant's revocation, reuse detection, the one-live
 * token rule and the console's token list all reach it; and finding a JWT
 * (resource API, revocation, introspection) means checking its signature
 * with the engine's keys, then reading that record: a revoked, expired or
 * unknown one is not found. The record's id is not a credential: looked up
 * as an opaque value it is refused (`format` is not opaque).
 */
export function installStoredJwtAccessTokens(provider: Provider, options: { signingKeys: readonly JWK[]; issuer: string }): void {
  const keys = createLocalJWKSet(publicKeys(options.signingKeys));
  const opaquePayload = (provider.BaseToken.prototype as unknown as TokenModel['prototype']).getValueAndPayload;

  /** The `jti` of a JWT this engine signed as an access token, else undefined. */
  const verifiedJti = async (value: string): Promise<string | undefined> => {
    try {
      // An opaque token (the usual case) has no dots: no header to decode (a throw per lookup cost 6% of introspection).
      if (!looksLikeJws(value) || decodeProtectedHeader(value).typ !== 'at+jwt') return undefined;
      const { payload } = await compactVerify(value, keys);
      const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: unknown; jti?: unknown };
      return claims.iss === options.issuer && typeof claims.jti === 'string' ? claims.jti : undefined;
    } catch {
      return undefined;
    }
  };

  for (const Model of [provider.AccessToken, provider.ClientCredentials] as unknown as TokenModel[]) {
    const signed = Model.prototype.getValueAndPayload;
    Model.prototype.getValueAndPayload = async function getValueAndPayload(this: TokenInstance) {
      if (this.format !== 'jwt') return signed.call(this);
      const { payload } = await opaquePayload.call(this);
      // The JWT and its record carry the same times.
      this.iat = payload!.iat as number;
      this.exp = payload!.exp as number;
      const { value } = await signed.call(this);
      return { value, payload: { ...payload!, format: 'jwt' } };
    };
    const findOpaque = Model.find.bind(Model);
    Model.find = async (value, findOptions) => {
      if (typeof value !== 'string' || value.split('.').length !== 3) return findOpaque(value, findOptions);
      const jti = await verifiedJti(value);
      const stored = jti ? await Model.adapter.find(jti) : undefined;
      if (!stored || stored.format !== 'jwt') return undefined;
      const { format: _format, ...payload } = stored;
      try {
        return Model.instantiate(await Model.verify(payload, findOptions));
      } catch {
        return undefined;
      }
    };
  }
}
