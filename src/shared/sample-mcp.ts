/**
 * The sample MCP server's catalog: its path and each tool with the catalog
 * scope it needs (none: any valid token). The server defines the tools from
 * this list (src/main/server/sample-mcp-tools.ts), and the console's quick
 * start shows it, so both say the same.
 */
export const SAMPLE_MCP_PATH = '/mcp';

export const SAMPLE_MCP_TOOLS = [
  { name: 'whoami', scope: 'read:user' },
  { name: 'get_workspace', scope: 'read:organization' },
  { name: 'list_members', scope: 'read:members' },
  { name: 'post_comment', scope: 'write:organization' },
  { name: 'list_my_connections', scope: 'read:user' },
  { name: 'revoke_this_token', scope: undefined },
] as const satisfies ReadonlyArray<{ name: string; scope: string | undefined }>;

export type SampleMcpToolName = (typeof SAMPLE_MCP_TOOLS)[number]['name'];

/**
 * The scope a 401 names (the MCP authorization spec's scope guidance): what
 * `whoami` and `list_my_connections` need, least privilege for a first
 * connection; other tools answer 403 `insufficient_scope` and the client
 * steps up (SEP-835).
 */
export const SAMPLE_MCP_BASE_SCOPES: readonly string[] = ['read:user'];

/** The MCP server's URL for an issuer (also its canonical URI, the audience of its tokens). */
export function sampleMcpUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}${SAMPLE_MCP_PATH}`;
}

/** The scope a tool needs, from the catalog. */
export function sampleMcpToolScope(name: SampleMcpToolName): string | undefined {
  return SAMPLE_MCP_TOOLS.find((tool) => tool.name === name)!.scope;
}
