import { bodyParser } from '../http/body-parser';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { Context, Middleware } from 'koa';
import { SAMPLE_MCP_BASE_SCOPES, SAMPLE_MCP_PATH, sampleMcpUrl } from '../../shared/sample-mcp';
import { OWN_BODY_LIMIT, tooLargeBody } from '../http/body-limit';
import { BearerError, problemOf, restBody, setProblemHead, type Problem } from '../http/errors';
import { foreignOrigin } from '../http/origin-policy';
import { protectedResourceMetadataUrl } from '../../shared/protected-resource-metadata';
import { unitOfWork } from '../store/database';
import { findResourceServerByIdentifier } from '../store/resource-servers-store';
import { toolResult } from './admin-mcp-results';
import { authenticateAccessToken, bearerValue, type BearerPrincipal } from './bearer';
import { setCheckedRequestHandler } from './mcp-request-handler';
import { jsonRpcRefusal, refuseNonPost, serveStateless } from './mcp-stateless';
import type { RouteContext } from './route-context';
import { McpRequestAuthorization } from './sample-mcp-authorization';
import { sampleTools, type SampleTool } from './sample-mcp-tools';

export { SAMPLE_MCP_PATH };

export type SampleMcpDeps = Pick<RouteContext, 'provider' | 'db' | 'activity' | 'issuer' | 'log'>;

/** The server's canonical URI (the MCP authorization spec's "Canonical Server URI", RFC 8707 §2): the audience its tokens are for. */
export const sampleMcpResource = sampleMcpUrl;


/**
 * The one place `/mcp` authenticates. Tokens for this server must be issued
 * for `audience` (`<issuer>/mcp`; RFC 8707, the MCP spec's "Token Audience
 * Binding and Validation": a server must not accept tokens meant for another
 * resource), strictly: a token asked without `resource` is refused too. The
 * store is asked on every call: a revoked or expired token is a 401 at once.
 */
function authenticateForMcp(deps: SampleMcpDeps, token: string, audience: string, request: Context): Promise<BearerPrincipal> {
  return authenticateAccessToken(deps.provider, deps.db, token, { resource: audience }, request);
}

/**
 * The scope a 401 names: the base scopes (SAMPLE_MCP_BASE_SCOPES) that the
 * MCP resource server offers now (the Resources screen may change them).
 * None when it offers none: the client then asks without `scope`, and the
 * server's default applies.
 */
async function baseScopeHint(deps: SampleMcpDeps, resource: string): Promise<string | undefined> {
  const server = await findResourceServerByIdentifier(deps.db, deps.issuer, resource);
  const offered = new Set([...(server?.scopes ?? []), ...(server?.customScopes.map((s) => s.name) ?? [])]);
  const hint = SAMPLE_MCP_BASE_SCOPES.filter((scope) => offered.has(scope));
  return hint.length ? hint.join(' ') : undefined;
}

const SERVER_INFO = { name: 'oauth-console-sample', title: 'OAuth Console sample MCP server', version: '1.0.0' };

const INSTRUCTIONS =
  "Tools over OAuth Console's sample resources, as the access token's user (or app bot) in the token's workspace. " +
  'Each tool names the scope it needs; a call without it is refused with HTTP 403 insufficient_scope so the client can ask for more.';

/** What one request's tools run with. */
interface RequestState {
  authorization: McpRequestAuthorization;
  token: string;
}

/** Runs a tool for the request's caller and records it; any refusal or failure is a tool execution error (`isError`). */
async function callTool(deps: SampleMcpDeps, state: RequestState, tool: SampleTool, input: unknown): Promise<CallToolResult> {
  const { principal } = state.authorization;
  const record = (detail: Record<string, unknown>) =>
    deps.activity.record({ type: 'mcp.tool_called', clientId: principal.clientId, accountId: principal.accountId, workspaceId: principal.workspaceId, detail: { tool: tool.name, actor: principal.actor, ...detail } });
  try {
    const caller = await state.authorization.authorize(tool);
    const context = { provider: deps.provider, db: deps.db, activity: deps.activity, caller, token: state.token };
    const run = () => tool.run(context, input ?? {});
    const output = tool.writes ? await unitOfWork(deps.db, run) : await run();
    record({ ok: true });
    return toolResult({ ok: true, data: output });
  } catch (err) {
    const problem = problemOf(err, { report: (message) => reportBug(deps, `tool ${tool.name}: ${message}`) });
    record({ ok: false, error: problem.body.code });
    return toolResult({ ok: false, error: problem.body });
  }
}

function reportBug(deps: SampleMcpDeps, message: string): void {
  deps.log(`sample mcp: ${message}`);
  deps.activity.record({ type: 'server.error', level: 'error', detail: { path: SAMPLE_MCP_PATH, message } });
}

/** The SDK's low-level Server for one request (see admin-mcp.ts for why not McpServer): every tool listed, calls run for this caller. */
function createSampleMcpServer(deps: SampleMcpDeps, state: RequestState, tools: ReadonlyMap<string, SampleTool>, listing: Tool[]): Server {
  const server = new Server(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  setCheckedRequestHandler(server, ListToolsRequestSchema, () => ({ tools: listing }));
  setCheckedRequestHandler(server, CallToolRequestSchema, (request) => {
    const tool = tools.get(request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, 'No tool has this name (tools/list lists them)');
    return callTool(deps, state, tool, request.params.arguments);
  });
  return server;
}

/** A tool as `tools/list` shows it. */
function listingOf(tool: SampleTool): Tool {
  return { name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema, outputSchema: tool.outputSchema, annotations: tool.annotations };
}

/** `/mcp`'s refusals (401, 403) are audit material, as the sample API's are. */
function recordRefusal(deps: SampleMcpDeps, problem: Problem, principal: BearerPrincipal | undefined, detail: Record<string, unknown> = {}): void {
  deps.activity.record({
    type: 'mcp.rejected',
    level: 'warn',
    clientId: principal?.clientId ?? null,
    accountId: principal?.accountId ?? null,
    workspaceId: principal?.workspaceId ?? null,
    detail: { status: problem.status, error: problem.error, description: problem.body.message, ...detail },
  });
}

/**
 * Reads a JSON body (our parser, so the HTTP layer can see which tools are
 * called): bad JSON is JSON-RPC's parse error (400), too large a body 413,
 * both as the SDK's transport answers them, an empty batch 400. Returns undefined when it
 * answered; a body that is not JSON is left for the transport (415).
 */
async function readJsonBody(ctx: Context, parse: Middleware): Promise<{ body: unknown } | undefined> {
  if (!ctx.is('application/json')) return { body: undefined };
  try {
    await parse(ctx, async () => undefined);
  } catch (err) {
    const tooLarge = (err as { status?: number }).status === 413;
    ctx.status = tooLarge ? 413 : 400;
    if (tooLarge) ctx.set('Connection', 'close');
    ctx.body = tooLarge ? jsonRpcRefusal(tooLargeBody(OWN_BODY_LIMIT).error_description) : jsonRpcRefusal('Parse error: Invalid JSON', ErrorCode.ParseError);
    return undefined;
  }
  const body = (ctx.request as { body?: unknown }).body;
  if (Array.isArray(body) && body.length === 0) {
    // JSON-RPC 2.0 §6: an empty batch is an invalid request (the SDK would accept it as "no requests", 202).
    ctx.status = 400;
    ctx.body = jsonRpcRefusal('Invalid Request: the batch is empty', ErrorCode.InvalidRequest);
    return undefined;
  }
  return { body };
}

/**
 * `/mcp`: the sample MCP server, mounted first in our own routes (before
 * their body parser and error face). In order:
 *
 * 1. Origin: absent or the issuer's, else 403 (the MCP transport spec's
 *    DNS-rebinding rule; origin-policy.ts). The Host rule in front of every
 *    route has pinned the issuer's host already. Browsers get no CORS
 *    headers here, so a page of another origin could not read an answer
 *    anyway; loopback origins are not trusted either, since any local page
 *    or DNS-rebound name could claim one and the Host rule, not the
 *    origin, is what pins the server.
 * 2. The access token (`Authorization: Bearer`, checked against the store
 *    on every request): none, or an invalid, expired or revoked one, is a
 *    401 whose challenge names the RFC 9728 metadata (`resource_metadata`)
 *    and the base scope (the MCP authorization spec, "Protected Resource
 *    Metadata Discovery").
 * 3. POST only (stateless; mcp-stateless.ts).
 * 4. The tools a `tools/call` names are authorized here, at the HTTP layer,
 *    before the SDK runs: a missing scope is an HTTP 403 `insufficient_scope`
 *    with `scope` and `resource_metadata` (the spec's "Runtime Insufficient
 *    Scope Errors", SEP-835), which clients answer by stepping up. Inside the
 *    SDK the answer would be a JSON-RPC result with status 200, which no
 *    client treats as a challenge.
 *
 * `tools/list` lists every tool whatever the token's scopes: each names its
 * scope in its description, so a client (and its user) sees what stepping up
 * unlocks, and the list does not change from token to token (clients cache
 * it; `listChanged` is false).
 */
export function sampleMcpRoute(deps: SampleMcpDeps): Middleware {
  const resource = sampleMcpResource(deps.issuer);
  const resourceMetadata = protectedResourceMetadataUrl(resource);
  const issuerOrigin = new URL(deps.issuer).origin;
  const toolList = sampleTools();
  const tools = new Map(toolList.map((tool) => [tool.name, tool]));
  const listing = toolList.map(listingOf);
  const parse: Middleware = bodyParser({ enableTypes: ['json'], jsonLimit: OWN_BODY_LIMIT, encoding: 'utf-8' });

  return async (ctx, next) => {
    if (ctx.path !== SAMPLE_MCP_PATH) return next();
    ctx.set('Cache-Control', 'no-store');
    const foreign = foreignOrigin(issuerOrigin, { origin: ctx.get('origin'), secFetchSite: ctx.get('sec-fetch-site') });
    if (foreign) {
      const message = `Cross-${foreign} requests to this MCP server are refused (DNS rebinding protection): send no Origin, or ${issuerOrigin}`;
      recordRefusal(deps, { status: 403, error: 'forbidden', body: { code: 'forbidden', message }, headers: {} }, undefined, { reason: foreign });
      ctx.status = 403;
      ctx.body = jsonRpcRefusal(message);
      return;
    }
    let principal: BearerPrincipal | undefined;
    let state: RequestState;
    let parsed: { body: unknown } | undefined;
    try {
      const token = bearerValue(ctx);
      principal = await authenticateForMcp(deps, token, resource, ctx);
      if (refuseNonPost(ctx)) return;
      parsed = await readJsonBody(ctx, parse);
      if (!parsed) return;
      state = { authorization: new McpRequestAuthorization(deps.db, principal), token };
      await state.authorization.authorizeCalls(tools, parsed.body);
    } catch (err) {
      const challenge = err instanceof BearerError ? err.forResource(resourceMetadata, err.scope ?? (await baseScopeHint(deps, resource))) : err;
      const problem = problemOf(challenge, { report: (message) => reportBug(deps, message) });
      if (problem.status === 401 || problem.status === 403) recordRefusal(deps, problem, principal);
      setProblemHead(ctx, problem);
      ctx.body = restBody(problem);
      return;
    }
    await serveStateless(ctx, createSampleMcpServer(deps, state, tools, listing), { bodyLimit: OWN_BODY_LIMIT, parsedBody: parsed.body });
  };
}
