const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);

/** True when the URL's host is a loopback host (where plain http is allowed). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/**
 * Checks one redirect URI against the seeds' rules: an absolute URL without
 * a fragment, https except for loopback hosts, or a private-use scheme for
 * native apps (`com.example.app:/callback`). Returns an error message or null.
 */
export function redirectUriProblem(uri: string): string | null {
  if (typeof uri !== 'string' || uri.length === 0) return 'must not be empty';
  if (uri.length > 2000) return 'must be at most 2000 characters';
  if (/\s/.test(uri)) return 'must not contain spaces';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.hash || uri.includes('#')) return 'must not contain a fragment (#)';
  if (url.username || url.password) return 'must not contain credentials';
  // A `*` in the host or the path reads as a wildcard, but redirect URIs are compared exactly (RFC 9700 §4.1.3,
  // the seeds): saved as a literal it would never match, so it is refused with the reason.
  if (/\*|%2a/i.test(`${url.hostname}${url.pathname}`)) return 'must not contain a wildcard (*): redirect URIs are matched exactly, so list each one';
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `the ${url.protocol} scheme is not allowed`;
  if (url.protocol === 'https:') return url.hostname ? null : 'must name a host';
  if (url.protocol === 'http:') {
    return isLoopbackHost(url.hostname) ? null : 'must use https (plain http is allowed only for localhost, 127.0.0.1 and [::1])';
  }
  // A private-use scheme (RFC 8252 section 7.1) must contain a period to be unambiguous.
  return url.protocol.includes('.') ? null : 'custom schemes must be reverse domain names, such as com.example.app:/callback';
}
