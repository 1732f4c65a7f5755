import { SAMPLE_MCP_PATH } from '../../shared/sample-mcp';

/**
 * The resource servers this server is itself: the paths on the issuer that
 * migration 0005 stores them under (issuer-relative, so they follow the
 * issuer of each run). Routes pass `resourceOf(issuer, path)` to
 * `authenticateAccessToken` as the audience they serve.
 */
export const SAMPLE_API_RESOURCE_PATH = '/api/v1';
/** The sample MCP server's path (src/shared/sample-mcp.ts), the same for its route and its resource identifier. */
export const SAMPLE_MCP_RESOURCE_PATH = SAMPLE_MCP_PATH;

/** The RFC 8707 identifier of a built-in resource server on this issuer. */
export function resourceOf(issuer: string, path: typeof SAMPLE_API_RESOURCE_PATH | typeof SAMPLE_MCP_RESOURCE_PATH): string {
  return `${issuer}${path}`;
}
