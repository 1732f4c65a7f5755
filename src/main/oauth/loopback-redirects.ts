import type Provider from 'oidc-provider';

/** Loopback IP literals (RFC 8252 section 7.3). `localhost` is not one: section 8.3 advises against it, and it matches exactly. */
const LOOPBACK_LITERALS = new Set(['127.0.0.1', '[::1]']);

/** A loopback redirect URI without its port, or undefined when the URI is not one. */
function withoutPort(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url || url.protocol !== 'http:' || !LOOPBACK_LITERALS.has(url.hostname) || url.username || url.password || uri.includes('#')) return undefined;
  return `http://${url.hostname}${url.pathname}${url.search}`;
}

/**
 * Whether `value` may be used as a redirect URI of a client registered with
 * `registered`: an exact match, or, for a native client (`application_type:
 * native`), a loopback IP-literal URI that matches a registered one on
 * everything but the port (RFC 8252 section 7.3: the port is chosen at run
 * time by the app).
 */
export function redirectUriMatches(value: string, registered: readonly string[], applicationType: string | undefined): boolean {
  if (registered.includes(value)) return true;
  if (applicationType !== 'native') return false;
  const bare = withoutPort(value);
  return bare !== undefined && registered.some((uri) => withoutPort(uri) === bare);
}

/** Puts {@link redirectUriMatches} in place of the engine's redirect and post-logout redirect checks. */
export function installLoopbackRedirects(provider: Provider): void {
  type ClientLike = { redirectUris?: string[]; postLogoutRedirectUris?: string[]; applicationType?: string };
  const proto = provider.Client.prototype as unknown as { redirectUriAllowed(value: string): boolean; postLogoutRedirectUriAllowed(value: string): boolean };
  proto.redirectUriAllowed = function redirectUriAllowed(this: ClientLike, value: string) {
    return redirectUriMatches(value, this.redirectUris ?? [], this.applicationType);
  };
  proto.postLogoutRedirectUriAllowed = function postLogoutRedirectUriAllowed(this: ClientLike, value: string) {
    return redirectUriMatches(value, this.postLogoutRedirectUris ?? [], this.applicationType);
  };
}
