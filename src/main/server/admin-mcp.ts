import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Middleware } from 'koa';
import { ADMIN_MCP_PATH } from '../../shared/contract/http-transport';
import { isProcedureName } from '../../shared/contract/procedures';
import type { AdminDispatch } from '../admin/dispatch';
import { toolResult } from './admin-mcp-results';
import { adminTools } from './admin-mcp-tools';
import { setCheckedRequestHandler } from './mcp-request-handler';
import { refuseNonPost, serveStateless } from './mcp-stateless';

/** The admin service as MCP tools (streamable HTTP): `POST /admin/mcp`. */
export { ADMIN_MCP_PATH };

export interface AdminMcpOptions {
  /** The admin dispatcher `/admin/rpc` uses: the same validation, units of work, activity and errors. */
  dispatch: AdminDispatch;
  /** Largest request body, bytes (the admin service's limit); more gets 413. */
  bodyLimit: number;
}

const SERVER_INFO = { name: 'oauth-console-admin', version: '1.0.0' };

const INSTRUCTIONS =
  "The admin service of OAuth Console's local OAuth 2.0 / OpenID Connect server: every console action as a tool " +
  '(domain.verb names). Secrets that create and rotate tools return (client secrets, API keys, initial access tokens) are shown once.';

/**
 * The SDK's low-level Server, not McpServer: McpServer takes zod object
 * shapes and validates arguments itself, with its own error text; here the
 * tools come as JSON Schema generated from the contract and the dispatcher
 * validates, so a bad input fails exactly as over `/admin/rpc`.
 */
function createAdminMcpServer(dispatch: AdminDispatch, tools: Tool[]): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  setCheckedRequestHandler(server, ListToolsRequestSchema, () => ({ tools }));
  setCheckedRequestHandler(server, CallToolRequestSchema, async (request) => {
    const { name, arguments: input } = request.params;
    // An unknown tool is a protocol error in the MCP spec; a bad input is a tool execution error.
    if (!isProcedureName(name)) throw new McpError(ErrorCode.InvalidParams, 'No tool has this name (tools/list lists them)');
    return toolResult(await dispatch(name, input));
  });
  return server;
}

/**
 * The MCP endpoint, mounted inside the admin HTTP app behind its checks
 * (loopback peer, Host, Origin, Sec-Fetch-Site, admin token, failure rate)
 * and before its JSON body parser: the SDK's transport reads the body
 * itself, so bad JSON and bad JSON-RPC get JSON-RPC errors (400, 413 over
 * `bodyLimit`, 406/415 for wrong headers).
 *
 * Stateless, plain JSON (mcp-stateless.ts).
 */
export function adminMcpRoute(options: AdminMcpOptions): Middleware {
  const tools = adminTools();
  return async (ctx, next) => {
    if (ctx.path !== ADMIN_MCP_PATH) return next();
    if (refuseNonPost(ctx)) return;
    await serveStateless(ctx, createAdminMcpServer(options.dispatch, tools), { bodyLimit: options.bodyLimit });
  };
}
