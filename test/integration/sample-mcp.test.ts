import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_MCP_PATH } from '../../src/main/server/sample-mcp';
import { codeFlow, demoApp, demoConfig, userIdByEmail } from '../helpers/flows';
import { raw, type RawAnswer } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

const ALL_SCOPES = 'openid read:user read:organization read:members write:organization';

/** The SDK's own client over streamable HTTP, holding a token as an MCP client with an existing token does (no OAuth provider). */
async function connect(server: TestServer, token: string): Promise<Client> {
  const mcp = new Client({ name: 'sample-mcp-test', version: '1.0.0' });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(SAMPLE_MCP_PATH, server.issuer), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  return mcp;
}

async function callTool(mcp: Client, name: string, args: Record<string, unknown> = {}): Promise<{ isError: boolean; structured: Record<string, unknown> | undefined; json: unknown }> {
  const result = (await mcp.callTool({ name, arguments: args })) as CallToolResult;
  const first = result.content[0];
  if (first?.type !== 'text') throw new Error(`${name}: no text content`);
  return { isError: result.isError === true, structured: result.structuredContent, json: JSON.parse(first.text) };
}

/** A JSON-RPC POST as any HTTP client sends it, with MCP's Accept header. */
function post(server: TestServer, body: string | Buffer, headers: Record<string, string> = {}, method = 'POST'): Promise<RawAnswer> {
  return raw(server, SAMPLE_MCP_PATH, {
    method,
    body,
    headers: { host: new URL(server.issuer).host, 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
  });
}

const rpc = (method: string, params?: unknown, id: number | string = 1) => JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
const toolCall = (name: string, args: Record<string, unknown> = {}) => rpc('tools/call', { name, arguments: args });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the sample MCP server at /mcp', () => {
  let server: TestServer;
  let config: client.Configuration;
  let workspaceId: string;
  let metadataUrl: string;
  /** Mia (MEMBER), every scope the tools need. */
  let full: string;
  /** Tokens for the MCP server are asked for its audience (RFC 8707). */
  let resource: string;

  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = server.seed!.workspaceId;
    config = await demoConfig(server);
    metadataUrl = `${server.issuer}/.well-known/oauth-protected-resource/mcp`;
    resource = `${server.issuer}${SAMPLE_MCP_PATH}`;
    full = (await codeFlow(server, { config, userEmail: 'mia.member@example.test', scope: ALL_SCOPES, params: { resource } })).tokens.access_token;
  });
  afterAll(() => server?.dispose());

  const token = async (scope: string, userEmail = 'mia.member@example.test', audience: string | undefined = resource) =>
    (await codeFlow(server, { config, userEmail, scope, ...(audience ? { params: { resource: audience } } : {}) })).tokens.access_token;

  it('answers 401 without a token, naming its resource metadata (RFC 9728) and the base scope', async () => {
    const answer = await post(server, rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } }));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe(`Bearer realm="oauth-console", scope="read:user", resource_metadata="${metadataUrl}"`);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'unauthorized' });

    const sdk = new Client({ name: 'no-token', version: '1.0.0' });
    const refused = await sdk.connect(new StreamableHTTPClientTransport(new URL(SAMPLE_MCP_PATH, server.issuer))).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(401);

    const garbage = await post(server, rpc('tools/list'), bearer('oc_at_not-a-token'));
    expect(garbage.status).toBe(401);
    expect(garbage.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(garbage.headers['www-authenticate']).toContain(`resource_metadata="${metadataUrl}"`);
  });

  it('lists every tool with a description naming its scope, JSON schemas and annotations', async () => {
    const mcp = await connect(server, await token('openid read:user'));
    expect(mcp.getServerVersion()?.name).toBe('oauth-console-sample');
    const { tools } = await mcp.listTools();
    expect(tools.map((t) => t.name)).toEqual(['whoami', 'get_workspace', 'list_members', 'post_comment', 'list_my_connections', 'revoke_this_token']);
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.description, tool.name).toMatch(/scope\.|will do\.$/);
      expect(tool.annotations?.openWorldHint, tool.name).toBe(false);
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('list_members')!.description).toContain('"read:members"');
    expect(byName.get('whoami')!.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('post_comment')!.inputSchema.required).toEqual(['body']);
    expect(byName.get('post_comment')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(byName.get('revoke_this_token')!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true });
    await mcp.close();
  });

  it('runs each tool for a token with its scopes, as the sample API answers, and records the calls', async () => {
    const mcp = await connect(server, full);
    const me = await callTool(mcp, 'whoami');
    expect(me.isError).toBe(false);
    expect(me.structured).toMatchObject({ type: 'user', email: 'mia.member@example.test', workspace: { id: workspaceId, role: 'MEMBER' } });
    expect(me.json).toEqual(me.structured);
    // The same answer as the sample API's, for the same user and scopes; each server takes only tokens for its own audience.
    const forApi = await token(ALL_SCOPES, 'mia.member@example.test', `${server.issuer}/api/v1`);
    const overApi = await (await fetch(`${server.issuer}/api/v1/me`, { headers: bearer(forApi) })).json();
    expect(me.structured).toEqual(overApi);
    expect((await fetch(`${server.issuer}/api/v1/me`, { headers: bearer(full) })).status).toBe(401);
    expect((await post(server, toolCall('whoami'), bearer(forApi))).status).toBe(401);

    expect((await callTool(mcp, 'get_workspace')).structured).toMatchObject({ id: workspaceId, memberCount: 3 });
    const members = (await callTool(mcp, 'list_members')).structured as { data: Array<{ email: string; role: string }> };
    expect(members.data.map((m) => m.role).sort()).toEqual(['ADMIN', 'MEMBER', 'OWNER']);

    const comment = await callTool(mcp, 'post_comment', { body: 'Hello over MCP' });
    expect(comment.isError).toBe(false);
    expect(comment.structured).toMatchObject({ workspaceId, body: 'Hello over MCP', authorId: await userIdByEmail(server, 'mia.member@example.test'), appId: demoApp(server).clientId });
    const empty = await callTool(mcp, 'post_comment', { body: '   ' });
    expect(empty.isError).toBe(true);
    expect(empty.json).toMatchObject({ error: { code: 'invalid_input', fields: [{ field: 'body', message: 'must not be empty' }] } });
    const extra = await callTool(mcp, 'whoami', { token: 'x' });
    expect(extra.isError).toBe(true);
    expect(extra.json).toMatchObject({ error: { code: 'invalid_input' } });

    const connections = (await callTool(mcp, 'list_my_connections')).structured as { items: Array<{ appId: string; userEmail: string; scopes: string[] }> };
    expect(connections.items.length).toBeGreaterThan(0);
    expect(connections.items.every((c) => c.userEmail === 'mia.member@example.test')).toBe(true);
    expect(connections.items.some((c) => c.appId === demoApp(server).clientId && c.scopes.includes('read:members'))).toBe(true);
    await mcp.close();

    await server.activity.flush();
    const events = await server.db.selectFrom('events').selectAll().where('type', '=', 'mcp.tool_called').execute();
    const tools = events.map((e) => (JSON.parse(e.detail) as { tool: string }).tool);
    expect(tools).toEqual(expect.arrayContaining(['whoami', 'get_workspace', 'list_members', 'post_comment', 'list_my_connections']));
    const call = events.find((e) => JSON.parse(e.detail).tool === 'list_members')!;
    expect(call).toMatchObject({ client_id: demoApp(server).clientId, account_id: await userIdByEmail(server, 'mia.member@example.test'), workspace_id: workspaceId });
    expect(JSON.parse(call.detail)).toEqual({ tool: 'list_members', actor: 'self', ok: true });
    expect(events.some((e) => JSON.parse(e.detail).ok === false && JSON.parse(e.detail).error === 'invalid_input')).toBe(true);
    expect(events.map((e) => e.detail).join('\n')).not.toContain(full);
  });

  it('answers a tool call without its scope with 403 insufficient_scope, naming the scopes to step up to', async () => {
    // A token bound to the MCP server carries its resource scopes only (openid stays with the ID token), so the challenge names those.
    const narrow = await token('openid read:user');
    const mcp = await connect(server, narrow);
    expect((await callTool(mcp, 'whoami')).isError).toBe(false);
    const refused = await mcp.callTool({ name: 'list_members', arguments: {} }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(StreamableHTTPError);
    expect((refused as StreamableHTTPError).code).toBe(403);
    await mcp.close();

    const answer = await post(server, toolCall('list_members'), bearer(narrow));
    expect(answer.status).toBe(403);
    expect(answer.headers['www-authenticate']).toBe(
      `Bearer realm="oauth-console", error="insufficient_scope", error_description="This call needs the 'read:members' scope", scope="read:user read:members", resource_metadata="${metadataUrl}"`,
    );
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'insufficient_scope', scope: 'read:user read:members' });

    const batch = await post(server, JSON.stringify([JSON.parse(toolCall('post_comment', { body: 'x' })), { ...JSON.parse(toolCall('get_workspace')), id: 2 }]), bearer(narrow));
    expect(batch.status).toBe(403);
    expect(batch.headers['www-authenticate']).toContain('scope="read:user read:organization write:organization"');

    await server.activity.flush();
    const rejected = await server.db.selectFrom('events').selectAll().where('type', '=', 'mcp.rejected').execute();
    expect(rejected.some((e) => JSON.parse(e.detail).error === 'insufficient_scope' && e.client_id === demoApp(server).clientId)).toBe(true);
  });

  it('revoke_this_token revokes the presented token: the next request is 401 at once', async () => {
    const doomed = await token('openid read:user');
    const mcp = await connect(server, doomed);
    expect((await callTool(mcp, 'revoke_this_token')).structured).toEqual({ revoked: 1 });
    const after = await mcp.listTools().catch((err: unknown) => err);
    expect((after as StreamableHTTPError).code).toBe(401);
    await mcp.close();
    const answer = await post(server, rpc('tools/list'), bearer(doomed));
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(answer.headers['www-authenticate']).toContain(`resource_metadata="${metadataUrl}"`);
  });

  it('a token the admin revokes is refused at once', async () => {
    const tokenValue = await token('openid read:user', 'adam.admin@example.test');
    expect((await post(server, toolCall('whoami'), bearer(tokenValue))).status).toBe(200);
    const revoke = await fetch(`${server.issuer}/admin/rpc/tokens.revokeAll`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ userId: await userIdByEmail(server, 'adam.admin@example.test') }),
    });
    expect(revoke.status).toBe(200);
    expect((await post(server, toolCall('whoami'), bearer(tokenValue))).status).toBe(401);
  });

  it('serves bot tokens (client credentials) as the app, without user connections', async () => {
    const bot = (await client.clientCredentialsGrant(config, { scope: 'read:user read:organization', resource })).access_token;
    const mcp = await connect(server, bot);
    expect((await callTool(mcp, 'whoami')).structured).toMatchObject({ type: 'app', id: `bot:${demoApp(server).clientId}` });
    expect((await callTool(mcp, 'get_workspace')).structured).toMatchObject({ id: workspaceId });
    const connections = await callTool(mcp, 'list_my_connections');
    expect(connections.isError).toBe(true);
    expect(connections.json).toMatchObject({ error: { code: 'forbidden' } });
    await mcp.close();
    expect((await post(server, toolCall('list_members'), bearer(bot))).status).toBe(403);
  });

  it('answers hostile JSON-RPC with JSON-RPC errors or 4xx, never a 5xx', async () => {
    const auth = bearer(full);
    const cases: Array<{ body: string | Buffer; headers?: Record<string, string>; method?: string; status: number; code?: number }> = [
      { body: '{oops', status: 400, code: -32700 },
      { body: '"just a string"', status: 400, code: -32700 },
      { body: '[1, 2, 3]', status: 400 },
      { body: '[]', status: 400, code: -32600 },
      { body: '{"jsonrpc":"2.0"}', status: 400 },
      { body: JSON.stringify(Array.from({ length: 101 }, (_, i) => JSON.parse(rpc('tools/list', undefined, i)))), status: 400 },
      { body: rpc('no/such/method'), status: 200, code: -32601 },
      { body: rpc('tools/call', { arguments: {} }), status: 200, code: -32602 },
      { body: rpc('tools/call', { name: 42 }), status: 200, code: -32602 },
      { body: toolCall('no_such_tool'), status: 200, code: -32602 },
      { body: rpc('tools/list', 'not an object'), status: 400, code: -32700 },
      { body: Buffer.alloc(200 * 1024, 'a'), status: 413 },
      { body: `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"x":"${'y'.repeat(150 * 1024)}"}}`, status: 413 },
      { body: rpc('tools/list'), headers: { 'content-type': 'text/plain' }, status: 415 },
      { body: rpc('tools/list'), headers: { accept: 'text/html' }, status: 406 },
      { body: '', method: 'GET', status: 405 },
      { body: '', method: 'DELETE', status: 405 },
      // The body parser refuses prototype keys outright.
      { body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"post_comment","arguments":{"__proto__":{"body":"x"}}}}', status: 400, code: -32700 },
      { body: toolCall('post_comment', { body: { nested: true } }), status: 200 },
    ];
    for (const c of cases) {
      const answer = await post(server, c.body, { ...auth, ...c.headers }, c.method);
      const label = `${c.method ?? 'POST'} ${String(c.body).slice(0, 60)} ${JSON.stringify(c.headers ?? {})}: ${answer.body.slice(0, 200)}`;
      expect(answer.status, label).toBe(c.status);
      if (c.code !== undefined) expect((JSON.parse(answer.body) as { error: { code: number } }).error.code, label).toBe(c.code);
    }
    const comment = await post(server, toolCall('post_comment', { body: { nested: true } }), auth);
    expect((JSON.parse(comment.body) as { result: CallToolResult }).result).toMatchObject({ isError: true });
    expect(JSON.parse((JSON.parse(comment.body) as { result: { content: Array<{ text: string }> } }).result.content[0]!.text)).toMatchObject({ error: { code: 'invalid_input', fields: [{ field: 'body' }] } });
  });

  it('refuses a foreign Origin (DNS rebinding) and a foreign Host, and accepts none or the issuer\'s', async () => {
    const auth = bearer(full);
    for (const origin of ['http://evil.example', 'null', 'http://localhost:6274', `http://rebound.example:${server.port}`]) {
      const answer = await post(server, rpc('tools/list'), { ...auth, origin });
      expect(answer.status, origin).toBe(403);
      expect(JSON.parse(answer.body), origin).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32000 } });
    }
    expect((await post(server, rpc('tools/list'), { ...auth, origin: new URL(server.issuer).origin, 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(server, rpc('tools/list'), { origin: 'http://evil.example' })).status).toBe(403);
    expect((await post(server, rpc('tools/list'), { ...auth, origin: new URL(server.issuer).origin })).status).toBe(200);
    expect((await post(server, rpc('tools/list'), auth)).status).toBe(200);
    expect((await post(server, rpc('tools/list'), { ...auth, host: `rebound.example:${server.port}` })).status).toBe(421);

    await server.activity.flush();
    const rejected = await server.db.selectFrom('events').selectAll().where('type', '=', 'mcp.rejected').execute();
    expect(rejected.some((e) => JSON.parse(e.detail).reason === 'origin')).toBe(true);
  });
});
