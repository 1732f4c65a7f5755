import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { walkPages } from '../helpers/flows';
import { makeTempDir } from '../helpers/server';
import { freePort, killHard, serveChild, type ServedChild } from '../helpers/serve-child';

/**
 * The official MCP SDK client against `npm run serve`, as Claude Desktop,
 * Cursor or an agent would use it: from a 401 on /mcp, through discovery
 * (RFC 9728, RFC 8414), dynamic registration, PKCE through the real
 * sign-in and consent pages, a token bound to the MCP resource; then
 * initialize, tools/list and tools/call; step-up on a 403; refresh; and a
 * 401 after revocation.
 */

const REDIRECT = 'http://127.0.0.1:8765/callback';

/** An in-memory OAuthClientProvider: what an MCP host keeps, and the authorization URL it would open in a browser. */
class RecordingProvider implements OAuthClientProvider {
  info: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = '';
  opened: URL[] = [];
  constructor(
    private readonly metadata: OAuthClientMetadata,
    readonly clientMetadataUrl?: string,
  ) {}
  get redirectUrl(): string {
    return REDIRECT;
  }
  get clientMetadata(): OAuthClientMetadata {
    return this.metadata;
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.opened.push(url);
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  /** What a host does when the server says the grant is gone: forget the tokens (or everything), and sign in again. */
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'tokens') this.saved = undefined;
    if (scope === 'all' || scope === 'client') this.info = undefined;
  }
}

function sdkMetadata(grantTypes: string[]): OAuthClientMetadata {
  // What the SDK's hosts register: a public native client on a loopback redirect, no scope.
  return { client_name: 'MCP SDK end-to-end', redirect_uris: [REDIRECT], grant_types: grantTypes, response_types: ['code'], token_endpoint_auth_method: 'none' };
}

let server: ServedChild;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const dataDir = await makeTempDir();
  server = await serveChild(['--port', String(await freePort()), '--data-dir', dataDir, '--consent', 'prompt'], children);
}, 60_000);

afterAll(() => {
  for (const child of children.splice(0)) killHard(child);
});

/** One admin call over HTTP, as a script would make it. */
async function rpc(procedure: string, input: unknown): Promise<unknown> {
  const res = await fetch(`${server.issuer}/admin/rpc/${procedure}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Connects as an MCP host does: the first attempt meets the 401 and opens
 * the authorization URL; the user signs in and consents (the real pages);
 * the host finishes with the code and connects again.
 */
async function connectWithLogin(provider: RecordingProvider): Promise<{ client: Client; consentPages: string[] }> {
  const first = new StreamableHTTPClientTransport(new URL(`${server.issuer}/mcp`), { authProvider: provider });
  const client = new Client({ name: 'mcp-sdk-e2e', version: '1.0.0' });
  await expect(client.connect(first)).rejects.toBeInstanceOf(UnauthorizedError);
  const opened = provider.opened.at(-1)!;
  const walked = await walkPages(server.issuer, opened);
  const code = walked.callback.searchParams.get('code');
  expect({ error: walked.callback.searchParams.get('error'), hasCode: code !== null }).toEqual({ error: null, hasCode: true });
  expect(walked.callback.searchParams.get('iss')).toBe(server.issuer);
  await first.finishAuth(code!);
  const again = new Client({ name: 'mcp-sdk-e2e', version: '1.0.0' });
  await again.connect(new StreamableHTTPClientTransport(new URL(`${server.issuer}/mcp`), { authProvider: provider }));
  return { client: again, consentPages: walked.pages.filter((page) => page.includes('name="decision"')) };
}

interface Inspection {
  token: { id: string; status: string; scopes: string[] } | null;
  audience: string | null;
}

/** What the console's inspector says about the provider's current access token. */
function inspectAccessToken(provider: RecordingProvider): Promise<Inspection> {
  return rpc('tokens.inspect', { value: provider.saved!.access_token }) as Promise<Inspection>;
}

describe('the official MCP SDK client against npm run serve', () => {
  it('goes from a 401 on /mcp through discovery, registration, sign-in and consent to tool calls, and refreshes', { timeout: 60_000 }, async () => {
    const provider = new RecordingProvider(sdkMetadata(['authorization_code', 'refresh_token']));
    const { client, consentPages } = await connectWithLogin(provider);
    // Registered dynamically, as a native public client; the authorization request carried PKCE and the resource.
    expect(provider.info?.client_id).toMatch(/^oc_app_/);
    const asked = provider.opened[0]!;
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    expect(asked.searchParams.get('resource')).toBe(`${server.issuer}/mcp`);
    expect(consentPages).toHaveLength(1);
    // The token is bound to the MCP server's audience, and a refresh token came with it.
    expect(provider.saved?.refresh_token).toEqual(expect.any(String));
    const inspected = await inspectAccessToken(provider);
    expect({ audience: inspected.audience, status: inspected.token?.status }).toEqual({ audience: `${server.issuer}/mcp`, status: 'active' });

    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['whoami', 'get_workspace', 'list_members', 'post_comment']));
    const me = await client.callTool({ name: 'whoami', arguments: {} });
    expect(me.isError ?? false).toBe(false);
    expect(JSON.stringify(me.structuredContent)).toContain('@');

    // Refresh: the access token is replaced (rotated refresh token), the session goes on.
    const before = provider.saved!;
    await rpc('tokens.revoke', { id: (await inspectAccessToken(provider)).token!.id });
    const afterRevoke = await client.callTool({ name: 'whoami', arguments: {} });
    expect(afterRevoke.isError ?? false).toBe(false);
    expect(provider.saved!.access_token).not.toBe(before.access_token);
    expect(provider.saved!.refresh_token).not.toBe(before.refresh_token);
    await client.close();
  });

  it('steps up on a 403 insufficient_scope: a new consent for the missing scope, then the call succeeds', { timeout: 60_000 }, async () => {
    // No refresh token: the SDK then asks for the scope the 403 named instead of refreshing.
    const provider = new RecordingProvider(sdkMetadata(['authorization_code']));
    const { client } = await connectWithLogin(provider);
    const firstScopes = (await inspectAccessToken(provider)).token!.scopes;
    expect(firstScopes).not.toContain('write:organization');
    const opened = provider.opened.length;
    await expect(client.callTool({ name: 'post_comment', arguments: { body: 'from the SDK' } })).rejects.toBeInstanceOf(UnauthorizedError);
    const stepUp = provider.opened.at(-1)!;
    expect(provider.opened.length).toBe(opened + 1);
    expect(stepUp.searchParams.get('scope')!.split(' ')).toContain('write:organization');
    const walked = await walkPages(server.issuer, stepUp);
    expect({ error: walked.callback.searchParams.get('error_description'), hasCode: walked.callback.searchParams.has('code') }).toEqual({ error: null, hasCode: true });
    const transport = new StreamableHTTPClientTransport(new URL(`${server.issuer}/mcp`), { authProvider: provider });
    await transport.finishAuth(walked.callback.searchParams.get('code')!);
    const upgraded = new Client({ name: 'mcp-sdk-e2e', version: '1.0.0' });
    await upgraded.connect(transport);
    const posted = await upgraded.callTool({ name: 'post_comment', arguments: { body: 'from the SDK' } });
    expect(posted.isError ?? false).toBe(false);
    await upgraded.close();
    await client.close();
  });

  it('gets a 401 at once after the connection is revoked, and the refresh fails', { timeout: 60_000 }, async () => {
    const provider = new RecordingProvider(sdkMetadata(['authorization_code', 'refresh_token']));
    const { client } = await connectWithLogin(provider);
    const token = provider.saved!.access_token;
    const connections = (await rpc('connections.list', { appId: provider.info!.client_id })) as { items: Array<{ id: string }> };
    expect(connections.items.length).toBe(1);
    await rpc('connections.revoke', { id: connections.items[0]!.id });
    const raw = await fetch(`${server.issuer}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toContain('resource_metadata=');
    // The SDK meets the 401, its refresh gets invalid_grant, it forgets the tokens and asks the user to sign in again.
    const opened = provider.opened.length;
    await expect(client.callTool({ name: 'whoami', arguments: {} })).rejects.toBeInstanceOf(UnauthorizedError);
    expect(provider.saved).toBeUndefined();
    expect(provider.opened.length).toBe(opened + 1);
    await client.close();
  });

  it('completes with no scope configured anywhere: the resource advertises none, the client sends none, the server default applies', { timeout: 60_000 }, async () => {
    const resources = (await rpc('resources.list', {})) as { items: Array<{ id: string; identifier: string; scopes: string[]; customScopes: unknown[] }> };
    const mcp = resources.items.find((rs) => rs.identifier === `${server.issuer}/mcp`)!;
    await rpc('resources.update', { id: mcp.id, scopes: [], customScopes: [] });
    try {
      const metadata = (await (await fetch(`${server.issuer}/.well-known/oauth-protected-resource/mcp`)).json()) as { scopes_supported: string[] };
      expect(metadata.scopes_supported).toEqual([]);
      const provider = new RecordingProvider(sdkMetadata(['authorization_code', 'refresh_token']));
      const { client, consentPages } = await connectWithLogin(provider);
      // The SDK asked without scope: before, this ended in error=access_denied; now consent is shown and a token issued.
      expect(provider.opened[0]!.searchParams.has('scope')).toBe(false);
      expect(consentPages).toHaveLength(1);
      expect((await inspectAccessToken(provider)).audience).toBe(`${server.issuer}/mcp`);
      expect((await client.listTools()).tools.length).toBeGreaterThan(0);
      const revoked = await client.callTool({ name: 'revoke_this_token', arguments: {} });
      expect(revoked.isError ?? false).toBe(false);
      await client.close();
    } finally {
      await rpc('resources.update', { id: mcp.id, scopes: mcp.scopes });
    }
  });

  it('signs in a client identified by its Client ID Metadata Document (served on loopback, the loopback setting on)', { timeout: 60_000 }, async () => {
    await rpc('settings.update', { allowLoopbackMetadataDocuments: true });
    const documents: Server = createServer((req, res) => {
      const self = `http://127.0.0.1:${(documents.address() as AddressInfo).port}${req.url}`;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...sdkMetadata(['authorization_code', 'refresh_token']), client_id: self, client_name: 'SDK via metadata document' }));
    });
    await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
    try {
      const documentUrl = `http://127.0.0.1:${(documents.address() as AddressInfo).port}/mcp-client.json`;
      const discovery = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as { client_id_metadata_document_supported?: boolean };
      expect(discovery.client_id_metadata_document_supported).toBe(true);
      // The SDK picks a metadata document only for an https URL; it then stores the URL as its client id, and
      // this is that state: nothing is registered, the server fetches the document.
      const provider = new RecordingProvider(sdkMetadata(['authorization_code', 'refresh_token']));
      provider.info = { client_id: documentUrl };
      const { client, consentPages } = await connectWithLogin(provider);
      expect(provider.opened[0]!.searchParams.get('client_id')).toBe(documentUrl);
      expect(consentPages[0]).toContain('SDK via metadata document');
      const me = await client.callTool({ name: 'whoami', arguments: {} });
      expect(me.isError ?? false).toBe(false);
      const apps = (await rpc('apps.list', { origin: 'cimd' })) as { items: Array<{ id: string }> };
      expect(apps.items.map((app) => app.id)).toContain(documentUrl);
      await client.close();
    } finally {
      documents.close();
      await rpc('settings.update', { allowLoopbackMetadataDocuments: false });
    }
  });
});
