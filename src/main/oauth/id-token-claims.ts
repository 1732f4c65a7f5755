import type Provider from 'oidc-provider';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

/**
 * The client metadata property (an app's "ID token carries the granted
 * claims" option): `true` puts the claims of the granted scopes (profile,
 * email, groups, roles, workspace) into the app's ID tokens.
 */
export const ID_TOKEN_CLAIMS = 'id_token_claims';

/** `id_token_claims` in client metadata: a boolean, or absent (false). */
export function idTokenClaimsMetadata(value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== 'boolean') throw new errors.InvalidClientMetadata(`${ID_TOKEN_CLAIMS} must be a boolean`);
}

interface IdTokenInstance {
  scope?: string;
  client?: { metadata(): Record<string, unknown> };
  ctx?: KoaContextWithOIDC;
}

interface IssuedAccessToken {
  aud?: unknown;
  scope?: unknown;
}

/**
 * Per app, what the engine offers only globally. With `conformIdTokenClaims`
 * (on, the engine's default and ours) the engine narrows an ID token's scope
 * to `openid` whenever its access token can reach userinfo (no audience),
 * so the ID token holds `sub` and the protocol claims only. For an app with
 * `id_token_claims: true` this puts back, just before signing, the scope the
 * engine uses when the option is off: the access token's own scope, which the
 * engine has just set to the grant's OIDC scopes filtered by the request
 * (`grant.getOIDCScopeFiltered`, the very value of its other branch). The
 * engine's claim mask (the `claims` parameter, rejected claims) still
 * applies. An access token with an audience (a resource) needs nothing: the
 * engine then puts the granted claims in the ID token already.
 */
export function installIdTokenClaims(provider: Provider): void {
  const proto = provider.IdToken.prototype as unknown as { issue(this: IdTokenInstance, options?: { use?: string }): Promise<string> };
  const original = proto.issue;
  proto.issue = function issue(this: IdTokenInstance, options?: { use?: string }) {
    if (options?.use === 'idtoken' && this.scope === 'openid' && this.client?.metadata()[ID_TOKEN_CLAIMS] === true) {
      const at = this.ctx?.oidc.entities.AccessToken as IssuedAccessToken | undefined;
      if (at && !at.aud && typeof at.scope === 'string') this.scope = at.scope;
    }
    return original.call(this, options);
  };
}
