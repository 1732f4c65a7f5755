import * as client from 'openid-client';
import {
  discoverAuthorizationServerMetadata,
  exchangeAuthorization,
  refreshAuthorization,
  registerClient,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata, OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApp } from '../../src/main/store/apps-store';
import { settingsUpdateInput } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { approveDevice, discover, userIdByEmail, walkPages } from '../helpers/flows';
import { raw } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';
/** What an MCP client running on this machine registers: its local callback listener. */
const CLI_REDIRECT = 'http://127.0.0.1:33418/callback';
const INSPECTOR = 'http://localhost:6274';

/** The application type a registered client was stored with. */
async function applicationType(server: TestServer, clientId: string): Promise<unknown> {
  const app = await server.db.selectFrom('apps').select('metadata').where('id', '=', clientId).executeTakeFirstOrThrow();
  return (JSON.parse(app.metadata) as { application_type?: unknown }).application_type;
}

/** The visible text of a page. */
const text = (html: string) => html.replace(/<style>[^<]*<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('requests the way the MCP SDK client sends them', () => {
  let server: TestServer;
  let metadata: AuthorizationServerMetadata;
  let registered: OAuthClientInformationFull;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('discovers RFC 8414 metadata: iss in responses (RFC 9207), S256, registration, metadata documents, DPoP', async () => {
    metadata = (await discoverAuthorizationServerMetadata(server.issuer)) as AuthorizationServerMetadata;
    expect(metadata).toMatchObject({
      issuer: server.issuer,
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
      code_challenge_methods_supported: ['S256'],
      registration_endpoint: `${server.issuer}/oauth/register`,
    });
    expect(metadata.token_endpoint_auth_methods_supported).toContain('none');
    expect((metadata as Record<string, unknown>).dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256']));
  });

  it('registers as the SDK does (public, no scope, a loopback redirect): native, redirect URIs and grants echoed', async () => {
    registered = await registerClient(server.issuer, {
      metadata,
      clientMetadata: {
        client_name: 'MCP CLI',
        redirect_uris: [CLI_REDIRECT],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      },
    });
    expect(registered.client_id).toMatch(/^oc_app_/);
    expect(registered.client_secret).toBeUndefined();
    expect(registered.redirect_uris).toEqual([CLI_REDIRECT]);
    expect(registered.grant_types).toEqual(['authorization_code', 'refresh_token']);
    expect(registered.token_endpoint_auth_method).toBe('none');
    // The SDK's parser drops application_type from the answer; the record keeps it.
    expect(await applicationType(server, registered.client_id)).toBe('native');
    const app = await server.db.selectFrom('apps').selectAll().where('id', '=', registered.client_id).executeTakeFirstOrThrow();
    expect(app.origin).toBe('dynamic');
  });

  it('an explicit application_type is kept, and web redirects stay web', async () => {
    const web = await registerClient(server.issuer, { metadata, clientMetadata: { client_name: 'Web', redirect_uris: ['https://app.example.test/cb'], token_endpoint_auth_method: 'none' } });
    expect(await applicationType(server, web.client_id)).toBe('web');
    const said = await registerClient(server.issuer, {
      metadata,
      clientMetadata: { client_name: 'Says web', redirect_uris: ['http://localhost:6274/oauth/callback'], token_endpoint_auth_method: 'none', application_type: 'web' } as never,
    });
    expect(await applicationType(server, said.client_id)).toBe('web');
    const scheme = await registerClient(server.issuer, { metadata, clientMetadata: { client_name: 'Desktop', redirect_uris: ['com.example.desktop:/cb'], token_endpoint_auth_method: 'none' } });
    expect(await applicationType(server, scheme.client_id)).toBe('native');
  });

  it('authorizes without scope: the consent page shows the app’s registered scopes, the answer carries iss, and a token comes', async () => {
    // The SDK's CLI listens on whatever port is free: a native client's loopback redirect matches on any port (RFC 8252 7.3).
    const redirectUrl = 'http://127.0.0.1:51234/callback';
    const { authorizationUrl, codeVerifier } = await startAuthorization(server.issuer, { metadata, clientInformation: registered, redirectUrl, state: 'st-1' });
    expect(authorizationUrl.searchParams.has('scope')).toBe(false);
    const { callback, pages } = await walkPages(server.issuer, authorizationUrl, { userId: await userIdByEmail(server, 'mia.member@example.test') });
    const consent = pages.map(text).find((page) => page.includes('Approve'));
    expect(consent, 'a consent page was shown').toBeDefined();
    expect(consent).toContain('Read your user information');
    expect(consent).toContain('Read workspace data');
    expect(callback.origin + callback.pathname).toBe(redirectUrl);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    expect(callback.searchParams.get('state')).toBe('st-1');

    const tokens = await exchangeAuthorization(server.issuer, { metadata, clientInformation: registered, authorizationCode: callback.searchParams.get('code')!, codeVerifier, redirectUri: redirectUrl });
    expect(tokens.access_token).toMatch(/^oc_at_/);
    expect(tokens.refresh_token).toMatch(/^oc_rt_/);
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'read:user', 'read:organization']));
    const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);

    // A refresh without scope keeps the grant's scopes; the public client's refresh token rotates, and the old one is dead.
    const refreshed = await refreshAuthorization(server.issuer, { metadata, clientInformation: registered, refreshToken: tokens.refresh_token! });
    expect(refreshed.access_token).toMatch(/^oc_at_/);
    expect(refreshed.refresh_token).toMatch(/^oc_rt_/);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.scope?.split(' ').sort()).toEqual(tokens.scope?.split(' ').sort());
    await expect(refreshAuthorization(server.issuer, { metadata, clientInformation: registered, refreshToken: tokens.refresh_token! })).rejects.toThrow(/grant/i);
  });

  it('without scope but with resource (RFC 8707, as the SDK sends for an MCP server): the token is for that resource, with its scopes of the default', async () => {
    const resource = new URL(`${server.issuer}/mcp`);
    const { authorizationUrl, codeVerifier } = await startAuthorization(server.issuer, { metadata, clientInformation: registered, redirectUrl: CLI_REDIRECT, resource });
    expect(authorizationUrl.searchParams.has('scope')).toBe(false);
    const { callback } = await walkPages(server.issuer, authorizationUrl);
    const tokens = await exchangeAuthorization(server.issuer, { metadata, clientInformation: registered, authorizationCode: callback.searchParams.get('code')!, codeVerifier, redirectUri: CLI_REDIRECT, resource });
    expect(tokens.scope?.split(' ').sort()).toEqual(['read:organization', 'read:user']);
    const inspected = await httpClient(server).tokens.inspect({ value: tokens.access_token });
    expect(inspected.audience).toBe(resource.href);
  });

  it('an explicit scope is still the client’s choice, within its registered scopes', async () => {
    const redirectUrl = CLI_REDIRECT;
    const { authorizationUrl, codeVerifier } = await startAuthorization(server.issuer, { metadata, clientInformation: registered, redirectUrl, scope: 'read:user' });
    const { callback } = await walkPages(server.issuer, authorizationUrl.toString());
    const tokens = await exchangeAuthorization(server.issuer, { metadata, clientInformation: registered, authorizationCode: callback.searchParams.get('code')!, codeVerifier, redirectUri: redirectUrl });
    expect(tokens.scope).toBe('read:user');
  });

  it('a device authorization request without scope gets the app’s registered scopes', async () => {
    const { app } = await insertApp(server.db, {
      workspaceId: server.seed!.workspaceId,
      name: 'Agent without a browser',
      clientType: 'public',
      redirectUris: [],
      grantTypes: [DEVICE_CODE, 'refresh_token'],
      scopes: ['read:user', 'read:members'],
      actorModes: ['self'],
      origin: 'console',
    });
    const config = await discover(server, app.id);
    const started = await client.initiateDeviceAuthorization(config, {});
    expect(await approveDevice(server, started.verification_uri_complete!)).toContain('Device connected');
    const tokens = await client.pollDeviceAuthorizationGrant(config, { ...started, interval: 0 });
    expect(tokens.scope?.split(' ').sort()).toEqual(['read:members', 'read:user']);
    expect(tokens.refresh_token).toMatch(/^oc_rt_/);
  });

  it('the defaultScope setting is checked against the scope catalog', () => {
    expect(settingsUpdateInput.safeParse({ defaultScope: 'openid read:user' }).success).toBe(true);
    expect(settingsUpdateInput.safeParse({ defaultScope: '' }).success).toBe(true);
    const unknown = settingsUpdateInput.safeParse({ defaultScope: 'openid read:everything' });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues[0]?.message).toMatch(/unknown scope read:everything/);
    expect(settingsUpdateInput.safeParse({ defaultScope: 'openid openid' }).success).toBe(false);
  });
});

describe('a browser-based MCP client (the MCP Inspector) calls the engine across origins', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const json = (origin: string, body: unknown) => ({ headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const form = (origin: string, body: Record<string, string>) => ({ headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body).toString() });
  const preflight = (path: string, origin: string, headers = 'content-type') =>
    raw(server, path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });

  it('reads both discovery documents and the JWKS from its page, preflighted or not', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/oauth/jwks']) {
      const res = await raw(server, path, { method: 'GET', headers: { origin: INSPECTOR } });
      expect(res.status, path).toBe(200);
      expect(res.headers['access-control-allow-origin'], path).toBe(INSPECTOR);
      const pre = await raw(server, path, { method: 'OPTIONS', headers: { origin: INSPECTOR, 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' } });
      expect(pre.status, path).toBe(204);
      expect(pre.headers['access-control-allow-origin'], path).toBe(INSPECTOR);
      expect(pre.headers['access-control-allow-headers'], path).toBe('mcp-protocol-version');
    }
  });

  it('registers itself from its loopback origin, then uses token and revocation from its redirect origin', async () => {
    const pre = await preflight('/oauth/register', INSPECTOR, 'content-type, authorization');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe(INSPECTOR);
    expect(pre.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(pre.headers['access-control-allow-headers']).toBe('content-type, authorization');
    const reg = await raw(server, '/oauth/register', json(INSPECTOR, { client_name: 'MCP Inspector', redirect_uris: [`${INSPECTOR}/oauth/callback`], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }));
    expect(reg.status).toBe(201);
    expect(reg.headers['access-control-allow-origin']).toBe(INSPECTOR);
    const { client_id } = JSON.parse(reg.body) as { client_id: string };

    const config = await discover(server, client_id);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: `${INSPECTOR}/oauth/callback`, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const { callback } = await walkPages(server.issuer, url.toString());

    expect((await preflight('/oauth/token', INSPECTOR)).headers['access-control-allow-origin']).toBe(INSPECTOR);
    const token = await raw(server, '/oauth/token', form(INSPECTOR, { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, client_id, redirect_uri: `${INSPECTOR}/oauth/callback`, code_verifier: verifier }));
    expect(token.status).toBe(200);
    expect(token.headers['access-control-allow-origin']).toBe(INSPECTOR);
    const { access_token } = JSON.parse(token.body) as { access_token: string };

    expect((await preflight('/oauth/revoke', INSPECTOR)).headers['access-control-allow-origin']).toBe(INSPECTOR);
    const revoke = await raw(server, '/oauth/revoke', form(INSPECTOR, { token: access_token, client_id }));
    expect(revoke.status).toBe(200);
    expect(revoke.headers['access-control-allow-origin']).toBe(INSPECTOR);
  });

  it('the registration gate’s refusals are readable from the page too', async () => {
    await server.settings.update({ registrationPolicy: 'initial-access-token' });
    try {
      const res = await raw(server, '/oauth/register', json(INSPECTOR, { redirect_uris: [`${INSPECTOR}/oauth/callback`] }));
      expect(res.status).toBe(401);
      expect(res.headers['access-control-allow-origin']).toBe(INSPECTOR);
      expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate');
    } finally {
      await server.settings.update({ registrationPolicy: 'open' });
    }
  });

  it('a page elsewhere may not register clients, and the sign-in pages never answer across origins', async () => {
    for (const origin of ['https://evil.example', 'null', 'http://localhost.evil.example:6274']) {
      const pre = await preflight('/oauth/register', origin);
      expect(pre.headers['access-control-allow-origin'], origin).toBeUndefined();
      const reg = await raw(server, '/oauth/register', json(origin, { redirect_uris: ['https://x.example/cb'] }));
      expect(reg.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    const authorize = await raw(server, `/oauth/authorize?client_id=${server.seed!.appId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:8765/callback')}`, { method: 'GET', headers: { origin: INSPECTOR } });
    expect(authorize.status).toBe(303);
    expect(authorize.headers['access-control-allow-origin']).toBeUndefined();
    const interaction = await raw(server, new URL(authorize.headers.location as string, server.issuer).pathname, { method: 'GET', headers: { origin: INSPECTOR } });
    expect(interaction.headers['access-control-allow-origin']).toBeUndefined();
  });
});
