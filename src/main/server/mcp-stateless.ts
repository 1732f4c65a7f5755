import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Context } from 'koa';

/** A server-defined JSON-RPC error code, the one the SDK's transport uses for its own HTTP-level refusals. */
export const TRANSPORT_REFUSAL = -32000;

/** A JSON-RPC error that answers no request in particular (`id: null`): what our MCP endpoints refuse at the HTTP level. */
export function jsonRpcRefusal(message: string, code = TRANSPORT_REFUSAL): { jsonrpc: '2.0'; error: { code: number; message: string }; id: null } {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

/**
 * Our MCP endpoints are stateless (see `serveStateless`): GET (the
 * server-to-client stream) and DELETE (ending a session) have nothing to
 * serve and get 405, as the streamable HTTP transport allows. Returns true
 * when it answered.
 */
export function refuseNonPost(ctx: Context): boolean {
  if (ctx.method === 'POST') return false;
  ctx.status = 405;
  ctx.set('Allow', 'POST');
  ctx.body = jsonRpcRefusal('Method not allowed: this MCP endpoint is stateless; send JSON-RPC messages with POST');
  return true;
}

/**
 * Hands one POST to a fresh SDK server and transport: no session id
 * (`Mcp-Session-Id`), plain JSON answers rather than an SSE stream. Every
 * call is self-contained and the server sends nothing unasked (no progress,
 * no server requests, no list changes), so sessions would only add a table
 * of live transports to expire. The transport checks the headers (406, 415)
 * and the JSON-RPC shape (400), and reads the body itself (413 over
 * `bodyLimit`) unless the caller read it already (`parsedBody`).
 */
export async function serveStateless(ctx: Context, server: Server, options: { bodyLimit: number; parsedBody?: unknown }): Promise<void> {
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true, maxRequestBodySize: options.bodyLimit });
  ctx.respond = false;
  ctx.res.on('close', () => void server.close());
  await server.connect(transport);
  await transport.handleRequest(ctx.req, ctx.res, options.parsedBody);
}
