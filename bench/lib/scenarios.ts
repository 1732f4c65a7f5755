/** The request shapes of each scenario, the same for both servers. */
import type { Request as CannonRequest } from 'autocannon';
import { INTROSPECT_PATH, TOKEN_PATH, basicAuth, type ClientTarget } from './flow';

const FORM = 'application/x-www-form-urlencoded';

export function clientCredentialsRequest(target: ClientTarget): Pick<CannonRequest, 'method' | 'path' | 'headers' | 'body'> {
  return {
    method: 'POST',
    path: TOKEN_PATH,
    headers: { 'content-type': FORM, authorization: basicAuth(target) },
    body: 'grant_type=client_credentials&scope=read%3Auser',
  };
}

export const isTokenResponse = (status: number, body: string) => status === 200 && body.includes('"access_token"');

export function introspectionRequest(target: ClientTarget, accessToken: string): Pick<CannonRequest, 'method' | 'path' | 'headers' | 'body'> {
  return {
    method: 'POST',
    path: INTROSPECT_PATH,
    headers: { 'content-type': FORM, authorization: basicAuth(target) },
    body: new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' }).toString(),
  };
}

/** An inactive answer is a 200 too: count only `"active":true` as a success. */
export const isActiveIntrospection = (status: number, body: string) => status === 200 && body.includes('"active":true');

export function resourceRequest(accessToken: string): Pick<CannonRequest, 'method' | 'path' | 'headers' | 'body'> {
  return { method: 'GET', path: '/api/v1/me', headers: { authorization: `Bearer ${accessToken}` } };
}

export const isResourceAnswer = (status: number, body: string) => status === 200 && body.includes('"id"');

export interface RefreshStats {
  ok: number;
  failed: number;
  failures: string[];
}

/**
 * Refresh-token rotation as chains: a pool holds one live refresh token per
 * chain; a request takes one, and its answer puts the rotated token back.
 * Each refresh therefore presents the token the previous refresh of its
 * chain returned, and no token is used twice.
 */
export function refreshRequests(target: ClientTarget, pool: string[], stats: RefreshStats): CannonRequest[] {
  return [
    {
      method: 'POST',
      path: TOKEN_PATH,
      headers: { 'content-type': FORM, authorization: basicAuth(target) },
      setupRequest: ((req: CannonRequest, context: object) => {
        const token = pool.shift() ?? 'pool-empty';
        (context as { token?: string }).token = token;
        return { ...req, body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(token)}` };
      }) as unknown as CannonRequest['setupRequest'],
      onResponse: (status: number, body: string) => {
        if (status === 200) {
          const match = /"refresh_token":"([^"]+)"/.exec(body);
          if (match) {
            pool.push(match[1]!);
            stats.ok++;
            return;
          }
        }
        stats.failed++;
        if (stats.failures.length < 5) stats.failures.push(`HTTP ${status}: ${body.slice(0, 200)}`);
      },
    },
  ];
}
