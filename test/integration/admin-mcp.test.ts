import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_MCP_PATH } from '../../src/main/server/admin-mcp';
import { adminContract, PROCEDURE_NAMES } from '../../src/shared/contract/procedures';
import type { AdminErrorBody } from '../../src/shared/contract/errors';
import { clientCredentials } from '../admin/contract-suite';
import { raw, type RawAnswer } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

/** An MCP client as an agent would hold one: the SDK's own, over streamable HTTP, with the admin token. */
async function connect(server: TestServer, token = server.adminToken): Promise<Client> {
  const client = new Client({ name: 'admin-mcp-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(ADMIN_MCP_PATH, server.issuer), { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  return client;
}

interface ToolAnswer {
  isError: boolean;
  structured: Record<string, unknown> | undefined;
  /** The JSON of the first text content, parsed. */
  json: unknown;
}

async function callTool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const first = result.content[0];
  if (first?.type !== 'text') throw new Error(`${name}: no text content`);
  return { isError: result.isError === true, structured: result.structuredContent, json: JSON.parse(first.text) };
}

/** A JSON-RPC POST as any HTTP client can send it (no SDK), with the token and MCP's Accept header. */
function post(server: TestServer, body: string | Buffer, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return raw(server, ADMIN_MCP_PATH, {
    body,
    headers: {
      host: new URL(server.issuer).host,
      authorization: `Bearer ${server.adminToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...headers,
    },
  });
}

const TOOLS_LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });

function jsonRpcError(answer: RawAnswer): { code: number; message: string } {
  const parsed = JSON.parse(answer.body) as { jsonrpc?: string; error?: { code: number; message: string } };
  expect(parsed.jsonrpc, answer.body).toBe('2.0');
  expect(parsed.error, answer.body).toBeDefined();
  return parsed.error!;
}

describe('the admin service as MCP tools at /admin/mcp', () => {
  let server: TestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startTestServer();
    client = await connect(server);
  });
  afterAll(async () => {
    await client?.close();
    await server?.dispose();
  });

  it('lists one tool per contract procedure, with its summary, JSON schemas and hints from its kind', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...PROCEDURE_NAMES].sort());
    for (const tool of tools) {
      const definition = adminContract[tool.name as keyof typeof adminContract];
      expect(tool.description).toBe(definition.summary);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(definition.kind === 'query');
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('apps.create')!.inputSchema.required).toEqual(expect.arrayContaining(['workspaceId', 'name', 'scopes']));
    expect(byName.get('apps.create')!.annotations).toMatchObject({ destructiveHint: false, idempotentHint: false });
    expect(byName.get('apps.delete')!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true });
    expect(byName.get('tokens.revoke')!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.get('apps.rotateSecret')!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: false });
  });

  it('apps.list returns the seeded demo app, as structured content and as JSON text', async () => {
    const answer = await callTool(client, 'apps.list');
    expect(answer.isError).toBe(false);
    const items = (answer.structured as { items: Array<{ id: string; name: string }> }).items;
    expect(items.map((a) => a.id)).toContain(server.seed!.appId);
    expect(answer.json).toEqual(answer.structured);
  });

  it('apps.create makes a working app that tokens.list and the activity log show, logged as an rpc call is', async () => {
    const workspaceId = server.seed!.workspaceId;
    const input = { workspaceId, grantTypes: ['client_credentials'], scopes: ['read:user'], actorModes: ['app'] };
    const created = await callTool(client, 'apps.create', { ...input, name: 'MCP App' });
    expect(created.isError, JSON.stringify(created.json)).toBe(false);
    const { app, clientSecret } = created.structured as { app: { id: string; name: string }; clientSecret: string };
    expect(app.name).toBe('MCP App');
    expect(clientSecret).toMatch(/^oc_sec_/);

    expect((await clientCredentials(server, app.id, clientSecret)).status).toBe(200);
    const tokens = await callTool(client, 'tokens.list', { appId: app.id });
    expect((tokens.structured as { items: Array<{ kind: string; appId: string }> }).items).toEqual([expect.objectContaining({ kind: 'client_credentials', appId: app.id })]);

    const overRpc = await fetch(`${server.issuer}/admin/rpc/apps.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...input, name: 'RPC App' }),
    });
    const rpcApp = ((await overRpc.json()) as { app: { id: string } }).app;
    const activity = await callTool(client, 'activity.list', { types: ['app.created'] });
    const events = (activity.structured as { items: Array<{ clientId: string; detail: Record<string, unknown> }> }).items;
    const mcpEvent = events.find((e) => e.clientId === app.id);
    const rpcEvent = events.find((e) => e.clientId === rpcApp.id);
    expect(mcpEvent?.detail).toMatchObject({ name: 'MCP App', via: 'console' });
    expect({ ...mcpEvent!.detail, name: '' }).toEqual({ ...rpcEvent!.detail, name: '' });
  });

  it('an invalid input is a tool execution error naming each field, the same error /admin/rpc answers', async () => {
    const bad = { workspaceId: server.seed!.workspaceId, name: '', scopes: ['openid'], redirectUris: ['http://evil.example/cb'] };
    const answer = await callTool(client, 'apps.create', bad);
    expect(answer.isError).toBe(true);
    expect(answer.structured).toBeUndefined();
    const { error } = answer.json as { error: AdminErrorBody };
    expect(error.code).toBe('invalid_input');
    expect(error.fields?.map((f) => f.field)).toEqual(expect.arrayContaining(['name', 'redirectUris.0']));

    const overRpc = await fetch(`${server.issuer}/admin/rpc/apps.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(bad),
    });
    expect(answer.json).toEqual(await overRpc.json());

    const missing = await callTool(client, 'apps.get', { id: 'oc_app_nope' });
    expect(missing.isError).toBe(true);
    expect((missing.json as { error: AdminErrorBody }).error.code).toBe('not_found');
  });

  it('an unknown tool is a JSON-RPC error (invalid params), not a tool result', async () => {
    const err = await client.callTool({ name: 'apps.explode', arguments: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(McpError);
    expect((err as McpError).code).toBe(ErrorCode.InvalidParams);
  });

  it('needs the admin token: none or a wrong one gets 401, and the SDK client cannot connect', async () => {
    for (const authorization of [undefined, 'Bearer oc_adm_wrong', `Basic ${server.adminToken}`]) {
      const answer = await post(server, TOOLS_LIST, authorization === undefined ? { authorization: '' } : { authorization });
      expect(answer.status, String(authorization)).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
    }
    await expect(connect(server, 'oc_adm_wrong')).rejects.toMatchObject({ code: 401 });
  });

  it('refuses another Origin and cross-site browser calls with 403, and accepts the issuer as Origin', async () => {
    expect((await post(server, TOOLS_LIST, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post(server, TOOLS_LIST, { origin: 'http://localhost:1' })).status).toBe(403);
    expect((await post(server, TOOLS_LIST, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const same = await post(server, TOOLS_LIST, { origin: new URL(server.issuer).origin });
    expect(same.status).toBe(200);
    expect((JSON.parse(same.body) as { result: { tools: unknown[] } }).result.tools).toHaveLength(PROCEDURE_NAMES.length);
  });

  it('answers hostile JSON-RPC with JSON-RPC errors and 4xx statuses, never 5xx, and keeps serving', async () => {
    const cases: Array<{ label: string; body: string | Buffer; headers?: Record<string, string>; status: number; code?: number }> = [
      { label: 'not JSON', body: '{"jsonrpc":"2.0",', status: 400, code: ErrorCode.ParseError },
      { label: 'empty body', body: '', status: 400, code: ErrorCode.ParseError },
      { label: 'JSON, not JSON-RPC', body: '{"hello":"world"}', status: 400 },
      { label: 'null', body: 'null', status: 400 },
      { label: 'a batch of garbage', body: '[1, "two", null]', status: 400 },
      { label: 'an oversized batch', body: JSON.stringify(Array.from({ length: 101 }, (_, id) => ({ jsonrpc: '2.0', id, method: 'tools/list' }))), status: 400 },
      { label: 'unknown method', body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/explode' }), status: 200, code: ErrorCode.MethodNotFound },
      { label: 'wrong params', body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 42 } }), status: 200, code: ErrorCode.InvalidParams },
      { label: 'wrong list params', body: JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/list', params: { cursor: {} } }), status: 200, code: ErrorCode.InvalidParams },
      { label: 'no params', body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call' }), status: 200, code: ErrorCode.InvalidParams },
      { label: 'a body over 1 MiB', body: Buffer.alloc(1024 * 1024 + 1, 0x20), status: 413 },
      { label: 'a chunked body over 1 MiB', body: Buffer.alloc(1024 * 1024 + 1, 0x20), headers: { 'transfer-encoding': 'chunked' }, status: 413 },
      { label: 'not JSON content', body: TOOLS_LIST, headers: { 'content-type': 'text/plain' }, status: 415 },
      { label: 'no event-stream in Accept', body: TOOLS_LIST, headers: { accept: 'application/json' }, status: 406 },
      { label: 'an unsupported protocol version', body: TOOLS_LIST, headers: { 'mcp-protocol-version': '1999-01-01' }, status: 400 },
    ];
    for (const { label, body, headers, status, code } of cases) {
      const answer = await post(server, body, headers);
      expect(answer.status, `${label}: ${answer.body}`).toBe(status);
      const error = jsonRpcError(answer);
      if (code !== undefined) expect(error.code, label).toBe(code);
    }
    const notification = await post(server, JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));
    expect(notification.status).toBe(202);
    expect((await callTool(client, 'server.status')).isError).toBe(false);
  });

  it('GET and DELETE get 405 with Allow: POST (a stateless server has no stream and no session)', async () => {
    for (const method of ['GET', 'DELETE']) {
      const answer = await raw(server, ADMIN_MCP_PATH, {
        method,
        headers: { host: new URL(server.issuer).host, authorization: `Bearer ${server.adminToken}`, accept: 'text/event-stream' },
      });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('POST');
      jsonRpcError(answer);
      expect(answer.headers['mcp-session-id']).toBeUndefined();
    }
  });
});
