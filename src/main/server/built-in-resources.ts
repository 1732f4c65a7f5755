/**
 * The resource servers this server is itself: the paths on the issuer that
 * migration 0005 stores them under (issuer-relative, so they follow the
 * issuer of each run). Routes pass `resourceOf(issuer, path)` to
 * `authenticateAccessToken` as the audience they serve.
 */
export const SAMPLE_API_RESOURCE_PATH = '/api/v1';
export const SAMPLE_MCP_RESOURCE_PATH = '/mcp';

/** The RFC 8707 identifier of a built-in resource server on this issuer. */
export function resourceOf(issuer: string, path: typeof SAMPLE_API_RESOURCE_PATH | typeof SAMPLE_MCP_RESOURCE_PATH): string {
  return `${issuer}${path}`;
}
