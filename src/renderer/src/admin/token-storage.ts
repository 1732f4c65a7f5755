/** Where the web console keeps the admin token for this tab: sessionStorage, never a cookie. */
export const ADMIN_TOKEN_KEY = 'oauth-console.admin-token';

interface LocationLike {
  hash: string;
  pathname: string;
  search: string;
}

/**
 * Moves an admin token from the URL fragment (`/console#token=…`, as the
 * server prints it) into sessionStorage and wipes it from the address bar,
 * so it is neither bookmarked nor shown. Returns the token to use, if any.
 */
export function adoptAdminToken(location: LocationLike, storage: Storage, replaceUrl: (url: string) => void): string | null {
  const match = /(?:^#|[#&/?])token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]).trim();
    if (token) storage.setItem(ADMIN_TOKEN_KEY, token);
    replaceUrl(`${location.pathname}${location.search}#/`);
  }
  return storage.getItem(ADMIN_TOKEN_KEY);
}

export function storeAdminToken(storage: Storage, token: string): void {
  storage.setItem(ADMIN_TOKEN_KEY, token.trim());
}

export function forgetAdminToken(storage: Storage): void {
  storage.removeItem(ADMIN_TOKEN_KEY);
}
