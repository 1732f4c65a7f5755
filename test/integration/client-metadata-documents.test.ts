import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { discoverAuthorizationServerMetadata, exchangeAuthorization, startAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METADATA_DOCUMENT_LIMIT } from '../../src/main/oauth/client-metadata-documents';
import { httpClient } from '../admin/admin-clients';
import { demoConfig, userIdByEmail, walkPages } from '../helpers/flows';
import { FormAgent } from '../helpers/form-agent';
import { startTestServer, type TestServer } from '../helpers/server';

/** Where the document clients of this test receive their codes. */
const REDIRECT = 'http://127.0.0.1:9999/callback';

type Handler = (req: IncomingMessage, res: ServerResponse, self: string) => void;

/** A tiny HTTP server on loopback serving one metadata document (good or bad) per path. */
async function documentServer(routes: Record<string, Handler>): Promise<{ url(path: string): string; close(): Promise<void>; hits: Map<string, number> }> {
  const hits = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const http: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const route = routes[path];
    if (!route) {
      res.statusCode = 404;
      res.end('not here');
      return;
    }
    route(req, res, `http://127.0.0.1:${(http.address() as AddressInfo).port}${path}`);
  });
  http.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        http.close(() => resolve());
      }),
  };
}

const json = (body: unknown, headers: Record<string, string> = {}): Handler => (_req, res, self) => {
  res.setHeader('content-type', 'application/json');
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.end(JSON.stringify(typeof body === 'function' ? (body as (self: string) => unknown)(self) : body));
};

const documentOf = (extra: Record<string, unknown> = {}) => (self: string) => ({
  client_id: self,
  client_name: 'Doc Client',
  redirect_uris: [REDIRECT],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
  ...extra,
});

/** The visible text of a page. */
const text = (html: string) => html.replace(/<style>[^<]*<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('Client ID Metadata Documents', () => {
  let server: TestServer;
  let docs: Awaited<ReturnType<typeof documentServer>>;
  let metadata: AuthorizationServerMetadata;
  const slowTimers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    server = await startTestServer();
    docs = await documentServer({
      '/good.json': json(documentOf()),
      '/scoped.json': json(documentOf({ client_name: 'Scoped Doc', scope: 'read:user read:members' })),
      '/greedy.json': json(documentOf({ client_name: 'Greedy Doc', actor_modes: ['app'], consent_policy: 'auto-approve', pkce_policy: 'managed' })),
      '/big.json': json(documentOf({ client_name: 'x'.repeat(METADATA_DOCUMENT_LIMIT) })),
      '/other.json': json({ ...documentOf()('https://elsewhere.example/client.json') }),
      '/page.html': (_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end('<!doctype html><title>Not a document</title>');
      },
      '/secret.json': json(documentOf({ token_endpoint_auth_method: 'client_secret_basic', client_secret: 'shh' })),
      '/slow.json': (_req, res, self) => {
        const timer = setTimeout(() => json(documentOf())(_req, res, self), 4000);
        slowTimers.add(timer);
      },
    });
    metadata = (await discoverAuthorizationServerMetadata(server.issuer)) as AuthorizationServerMetadata;
  });
  afterAll(async () => {
    for (const t of slowTimers) clearTimeout(t);
    await docs.close();
    await server.dispose();
  });

  const authorizeUrl = (clientId: string, extra: Record<string, string> = {}) =>
    `${server.issuer}/oauth/authorize?${new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: REDIRECT, code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...extra })}`;

  /** The authorization endpoint's answer for a document client that must be refused: a 400 page, never a redirect. */
  const refusal = async (clientId: string) => {
    const res = await fetch(authorizeUrl(clientId), { redirect: 'manual' });
    return { status: res.status, page: text(await res.text()) };
  };

  it('is advertised, and loopback documents are refused while the setting is off (the default)', async () => {
    expect(metadata.client_id_metadata_document_supported).toBe(true);
    expect(server.settings.current.allowLoopbackMetadataDocuments).toBe(false);
    const { status, page } = await refusal(docs.url('/good.json'));
    expect(status).toBe(400);
    expect(page).toContain('invalid_client');
    expect(docs.hits.get('/good.json')).toBeUndefined();
    // An https URL naming this machine is not fetched either: the engine's guard refuses loopback addresses.
    const https = await refusal('https://127.0.0.1:1/client.json');
    expect(https.status).toBe(400);
    expect(https.page).toMatch(/invalid_client.*loopback documents are allowed only with the setting allowLoopbackMetadataDocuments/);
  });

  describe('with loopback documents allowed', () => {
    beforeAll(async () => {
      await server.settings.update({ allowLoopbackMetadataDocuments: true });
    });

    it('a document client signs in with the MCP SDK: no scope gives the server default, the consent page says where the answer goes', async () => {
      const clientId = docs.url('/good.json');
      const clientInformation = { client_id: clientId, redirect_uris: [REDIRECT] };
      const { authorizationUrl, codeVerifier } = await startAuthorization(server.issuer, { metadata, clientInformation, redirectUrl: REDIRECT, state: 'doc-state' });
      const { callback, pages } = await walkPages(server.issuer, authorizationUrl, { userId: await userIdByEmail(server, 'mia.member@example.test') });
      const consent = pages.map(text).find((page) => page.includes('Approve'))!;
      expect(consent).toContain('Doc Client');
      expect(consent).toContain('Sends you back to 127.0.0.1:9999');
      expect(consent).toMatch(/receives the answer only on this computer \(127\.0\.0\.1:9999\)/);
      // No scope in the request and none in the document: the server's defaultScope (openid profile read:user).
      expect(consent).toContain('Read your user information');
      expect(consent).toContain('See your name and profile picture');
      expect(callback.searchParams.get('iss')).toBe(server.issuer);

      const tokens = await exchangeAuthorization(server.issuer, { metadata, clientInformation, authorizationCode: callback.searchParams.get('code')!, codeVerifier, redirectUri: REDIRECT });
      expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'profile', 'read:user']);
      const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(me.status).toBe(200);

      const app = await server.db.selectFrom('apps').selectAll().where('id', '=', clientId).executeTakeFirstOrThrow();
      expect(app).toMatchObject({ origin: 'cimd', name: 'Doc Client', client_type: 'public', workspace_id: server.seed!.workspaceId });
      // Cached: the sign-in, consent and token requests did not fetch it again.
      expect(docs.hits.get('/good.json')).toBe(1);
    });

    it('an app record an admin deleted comes back with the client’s next request', async () => {
      const clientId = docs.url('/good.json');
      await httpClient(server).apps.delete({ id: clientId });
      expect(await server.db.selectFrom('apps').select('id').where('id', '=', clientId).executeTakeFirst()).toBeUndefined();
      const { callback } = await walkPages(server.issuer, authorizeUrl(clientId));
      expect(callback.searchParams.get('code')).toBeTruthy();
      expect(await server.db.selectFrom('apps').select('origin').where('id', '=', clientId).executeTakeFirst()).toEqual({ origin: 'cimd' });
    });

    it('the server default follows the setting; a document’s own scope is its allow-list and its default', async () => {
      await server.settings.update({ defaultScope: 'read:members' });
      try {
        const { callback } = await walkPages(server.issuer, authorizeUrl(docs.url('/good.json')));
        expect(callback.searchParams.get('code')).toBeTruthy();
        const grant = await server.db.selectFrom('oidc_models').select('scope').where('kind', '=', 'AuthorizationCode').where('client_id', '=', docs.url('/good.json')).orderBy('created_at', 'desc').executeTakeFirstOrThrow();
        expect(grant.scope).toBe('read:members');
      } finally {
        await server.settings.update({ defaultScope: 'openid profile read:user' });
      }
      const { pages } = await walkPages(server.issuer, authorizeUrl(docs.url('/scoped.json')));
      const consent = pages.map(text).find((page) => page.includes('Approve'))!;
      expect(consent).toContain('See the members of the workspace');
      expect(consent).not.toContain('See your name and profile picture');
      const outside = await fetch(authorizeUrl(docs.url('/scoped.json'), { scope: 'write:user' }), { redirect: 'manual' });
      expect(outside.status).toBe(303);
      expect(new URL(outside.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
    });

    it('a document cannot choose our own metadata: no bot actor, no auto-approve, no server-made PKCE', async () => {
      const greedy = docs.url('/greedy.json');
      const actor = await fetch(authorizeUrl(greedy, { actor: 'app' }), { redirect: 'manual' });
      expect(actor.status).toBe(303);
      expect(new URL(actor.headers.get('location')!).searchParams.get('error_description')).toBe('this app does not allow actor mode "app"');
      const noPkce = await fetch(authorizeUrl(greedy, { code_challenge: '', code_challenge_method: '' }).replace(/&code_challenge=&code_challenge_method=/, ''), { redirect: 'manual' });
      expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
      const { pages } = await walkPages(server.issuer, authorizeUrl(greedy));
      expect(pages.some((page) => page.includes('Approve'))).toBe(true);
    });

    it('each bad document is a clear invalid_client', async () => {
      const cases: Array<[string, RegExp]> = [
        ['/big.json', new RegExp(`is larger than the limit of ${METADATA_DOCUMENT_LIMIT} bytes`)],
        ['/page.html', /is not JSON/],
        ['/other.json', /names another client_id: it must be its own URL/],
        ['/missing.json', /answered HTTP 404, not 200/],
        ['/secret.json', /is not valid client metadata: .*(secret)/],
      ];
      for (const [path, description] of cases) {
        const { status, page } = await refusal(docs.url(path));
        expect(status, path).toBe(400);
        expect(page, path).toContain('invalid_client');
        expect(page, path).toMatch(description);
      }
      // At the token endpoint the same error is JSON (400: the client did not authenticate with a header).
      const token = await fetch(`${server.issuer}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'oc_code_x', client_id: docs.url('/page.html'), redirect_uri: REDIRECT, code_verifier: 'a'.repeat(43) }),
      });
      expect(token.status).toBe(400);
      expect(await token.json()).toMatchObject({ error: 'invalid_client', error_description: `the client metadata document at ${docs.url('/page.html')} is not JSON` });
    });

    it('a slow document ends in invalid_client after the timeout, and the server answers everyone else meanwhile, signed-in users included', async () => {
      // A signed-in browser: its request reads the session from the database before the client is looked up.
      const agent = new FormAgent();
      await walkPages(server.issuer, authorizeUrl(docs.url('/good.json')), { agent });
      expect(agent.cookies.size).toBeGreaterThan(0);
      const started = Date.now();
      const slow = agent.request(authorizeUrl(docs.url('/slow.json'))).then(async (res) => ({ status: res.status, page: text(await res.text()), ms: Date.now() - started }));
      await new Promise((resolve) => setTimeout(resolve, 300));

      const others = Date.now();
      const discovery = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`);
      expect(discovery.status).toBe(200);
      const issued = await client.clientCredentialsGrant(await demoConfig(server), { scope: 'read:user' });
      expect(issued.access_token).toMatch(/^oc_cc_/);
      expect(Date.now() - others).toBeLessThan(1500);

      const answer = await slow;
      expect(answer.status).toBe(400);
      expect(answer.page).toMatch(/invalid_client.*did not answer within 2\.5 seconds/);
      expect(answer.ms).toBeGreaterThanOrEqual(2400);
      expect(answer.ms).toBeLessThan(4000);
      expect(docs.hits.get('/slow.json')).toBe(1);
    });
  });
});
