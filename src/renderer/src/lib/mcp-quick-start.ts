import type { App } from '../../../shared/contract';
import { SAMPLE_MCP_TOOLS, sampleMcpUrl } from '../../../shared/sample-mcp';
import type { QuickStartSnippet } from './quick-start';

/** The server name the snippets give the sample MCP server in a client's configuration. */
const SERVER_NAME = 'oauth-console-sample';

/** Claude Code's redirect is `http://localhost:PORT/callback` for its `--callback-port`. */
const CLAUDE_CALLBACK = /^http:\/\/localhost:(\d{1,5})\/callback$/;
const DEFAULT_CALLBACK_PORT = 8765;

export interface McpRecipe {
  url: string;
  /** Tools this app's tokens can never call: it may not ask for their scope. */
  unreachable: Array<{ tool: string; scope: string }>;
  /** Set when none of the app's redirect URIs is Claude Code's: the one to add for its OAuth sign-in. */
  missingRedirect: string | undefined;
  snippets: QuickStartSnippet[];
}

/**
 * "Connect an MCP client": the sample MCP server's URL and ready-to-paste
 * configuration for Claude Code, Claude Desktop, Cursor and the MCP
 * Inspector, for one app. Clients that run OAuth themselves discover the
 * server (its 401 names the RFC 9728 metadata) and sign in with this app;
 * the others take an access token from the app's other snippets. No secret
 * or token value is ever in a snippet: they are shown once, or never.
 */
export function mcpRecipe(app: App, issuer: string): McpRecipe {
  const url = sampleMcpUrl(issuer);
  const unreachable = SAMPLE_MCP_TOOLS.flatMap((tool) => (tool.scope && !app.scopes.includes(tool.scope) ? [{ tool: tool.name, scope: tool.scope }] : []));
  const claudeRedirect = app.redirectUris.map((uri) => CLAUDE_CALLBACK.exec(uri)).find((match) => match !== null);
  const port = claudeRedirect ? Number(claudeRedirect[1]) : DEFAULT_CALLBACK_PORT;
  const missingRedirect = claudeRedirect ? undefined : `http://localhost:${port}/callback`;
  const secretFlag = app.clientType === 'confidential' ? ' --client-secret' : '';
  const withToken = (config: Record<string, unknown>) => JSON.stringify({ mcpServers: { [SERVER_NAME]: config } }, null, 2);
  return {
    url,
    unreachable,
    missingRedirect,
    snippets: [
      {
        id: 'mcp-claude-code',
        label: 'Claude Code',
        language: 'sh',
        code: [
          `# OAuth with this app: Claude Code finds the server's metadata, opens the sign-in page, and asks for more scopes when a tool needs them`,
          ...(secretFlag ? [`# --client-secret prompts for the secret (or reads $MCP_CLIENT_SECRET)`] : []),
          `claude mcp add --transport http --client-id ${app.id}${secretFlag} --callback-port ${port} ${SERVER_NAME} ${url}`,
          `# or with an access token you already have`,
          `claude mcp add --transport http ${SERVER_NAME} ${url} --header "Authorization: Bearer $ACCESS_TOKEN"`,
        ].join('\n'),
      },
      {
        id: 'mcp-claude-desktop',
        label: 'Claude Desktop (claude_desktop_config.json)',
        language: 'json',
        // claude_desktop_config.json starts local (stdio) servers; mcp-remote bridges to an HTTP one.
        code: withToken({ command: 'npx', args: ['mcp-remote', url, '--header', 'Authorization:${AUTH_HEADER}'], env: { AUTH_HEADER: 'Bearer <access token>' } }),
      },
      {
        id: 'mcp-cursor',
        label: 'Cursor (.cursor/mcp.json)',
        language: 'json',
        code: withToken({ url, headers: { Authorization: 'Bearer <access token>' } }),
      },
      {
        id: 'mcp-inspector',
        label: 'MCP Inspector',
        language: 'sh',
        code: [
          `# the web UI: Transport Type "Streamable HTTP", URL ${url}, Authentication: the access token`,
          `npx @modelcontextprotocol/inspector`,
          `# or from the shell`,
          `npx @modelcontextprotocol/inspector --cli ${url} --transport http --method tools/list \\`,
          `  --header "Authorization: Bearer $ACCESS_TOKEN"`,
        ].join('\n'),
      },
    ],
  };
}
