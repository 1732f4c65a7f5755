import type { KoaContextWithOIDC } from 'oidc-provider';

type CorsClient = { clientAuthMethod?: string | undefined; redirectUris?: readonly string[] | undefined };

/**
 * Which origins may call the client-bound endpoints (token, revocation,
 * introspection, PAR, userinfo) from a browser, decided once the engine
 * knows the client. Discovery and JWKS are public documents and answer any
 * origin (the engine's `open` CORS, not decided here); registration, the
 * authorization endpoint and the pages send no CORS headers at all.
 *
 * - `null` (sandboxed frames, `file:` pages) is refused.
 * - userinfo: the origins of the client's registered redirect URIs.
 * - token, revocation, introspection, PAR: the same, for public clients
 *   (`token_endpoint_auth_method: none`) only; a confidential client's
 *   secret does not belong in a browser.
 *
 * This is oidc-provider's own default rule, written out so it is ours and
 * tested.
 */
export function corsAllowed(ctx: KoaContextWithOIDC, origin: string, client: CorsClient): boolean {
  if (origin === 'null') return false;
  if (ctx.oidc.route !== 'userinfo' && client.clientAuthMethod !== 'none') return false;
  return (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
}
