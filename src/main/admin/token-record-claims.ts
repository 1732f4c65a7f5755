import type { Token } from '../../shared/contract/tokens';

/** RFC 7662's `token_type`-like names of the stored kinds. */
const KIND_NAMES: Record<Token['kind'], string> = {
  code: 'authorization_code',
  access: 'access_token',
  refresh: 'refresh_token',
  client_credentials: 'access_token (client credentials)',
};

const seconds = (ms: number | null) => (ms === null ? undefined : Math.floor(ms / 1000));

/**
 * What an opaque token stands for, as claims: the stored record in the
 * shape RFC 7662 introspection answers (`active`, `client_id`, `sub`,
 * `scope`, `iat`, `exp`, `aud`) plus this server's own (`workspace_id`,
 * `actor`, and when it stopped working). The decoded view of a value that
 * has no decoding of its own. Absent values are left out, as introspection does.
 */
export function recordClaims(token: Token, audience: string | null, issuer: string): Record<string, unknown> {
  const claims: Record<string, unknown> = {
    active: token.status === 'active',
    status: token.status,
    token_type: KIND_NAMES[token.kind],
    iss: issuer,
    client_id: token.appId ?? undefined,
    sub: token.userId ?? undefined,
    aud: audience ?? undefined,
    scope: token.scopes.join(' '),
    iat: seconds(token.createdAt),
    exp: seconds(token.expiresAt),
    workspace_id: token.workspaceId ?? undefined,
    actor: token.actor ?? undefined,
    consumed_at: seconds(token.consumedAt),
    revoked_at: seconds(token.revokedAt),
  };
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}
