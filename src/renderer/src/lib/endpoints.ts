import { SAMPLE_MCP_PATH } from '../../../shared/sample-mcp';

/** The server's endpoints, relative to the issuer (as listed in the README and discovery). */
export const ENDPOINTS: Array<{ name: string; path: string; note: string }> = [
  { name: 'OIDC discovery', path: '/.well-known/openid-configuration', note: 'Everything a client library needs, in one document' },
  { name: 'OAuth metadata (RFC 8414)', path: '/.well-known/oauth-authorization-server', note: 'The same metadata for OAuth-only clients and MCP' },
  { name: 'JWKS', path: '/oauth/jwks', note: 'Public signing keys (RS256, ES256)' },
  { name: 'Authorize', path: '/oauth/authorize', note: 'Start of the authorization code flow (PKCE S256)' },
  { name: 'Token', path: '/oauth/token', note: 'Codes, refresh tokens and client credentials become tokens' },
  { name: 'Userinfo', path: '/oauth/userinfo', note: 'Claims of the signed-in user' },
  { name: 'Revocation (RFC 7009)', path: '/oauth/revoke', note: 'Revoke an access or refresh token' },
  { name: 'Introspection (RFC 7662)', path: '/oauth/introspect', note: 'Is this token active, and for whom' },
  { name: 'Dynamic registration (RFC 7591)', path: '/oauth/register', note: 'Clients register themselves' },
  { name: 'Pushed authorization requests (RFC 9126)', path: '/oauth/par', note: 'Send the authorization request over a back channel' },
  { name: 'End session', path: '/oauth/logout', note: 'RP-initiated logout' },
  { name: 'Sample resource API', path: '/api/v1/me', note: 'Answers with the token’s user; 401 once revoked' },
  { name: 'Sample MCP server', path: SAMPLE_MCP_PATH, note: 'The sample resources as MCP tools (streamable HTTP), for this server’s tokens' },
];

export function endpointUrl(issuer: string, path: string): string {
  return `${issuer.replace(/\/+$/, '')}${path}`;
}
