import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redirectUriMatches } from '../../src/main/oauth/loopback-redirects';
import { httpClient } from '../admin/admin-clients';
import { authorize, codeFlow, demoApp, demoConfig, discover, DEMO_REDIRECT } from '../helpers/flows';
import { raw } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

describe('RFC 8252 section 7.3: native apps on loopback redirect URIs match on any port', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const publicApp = async (name: string, redirectUris: string[]) => {
    const created = await httpClient(server).apps.create({ workspaceId: server.seed!.workspaceId, name, clientType: 'public', redirectUris, scopes: ['openid', 'offline_access'] });
    return discover(server, created.app.id);
  };

  it('a CLI registered with http://127.0.0.1/callback gets its code on port 51234, and exchanges it', async () => {
    const config = await publicApp('CLI', ['http://127.0.0.1/callback']);
    const { callback, tokens } = await codeFlow(server, { config, redirectUri: 'http://127.0.0.1:51234/callback', scope: 'openid' });
    expect(callback.origin).toBe('http://127.0.0.1:51234');
    expect(tokens.access_token).toMatch(/^oc_at_/);
  });

  it('the same for [::1] and for a registered port, on another port', async () => {
    const config = await publicApp('CLI v6', ['http://[::1]/cb', 'http://127.0.0.1:8000/done']);
    expect((await authorize(server, { config, redirectUri: 'http://[::1]:40000/cb', scope: 'openid' })).callback.host).toBe('[::1]:40000');
    expect((await authorize(server, { config, redirectUri: 'http://127.0.0.1:9999/done', scope: 'openid' })).callback.host).toBe('127.0.0.1:9999');
  });

  it('matches everything but the port exactly, never relaxes localhost, and never relaxes web apps', async () => {
    const config = await publicApp('CLI strict', ['http://127.0.0.1/callback', 'http://localhost/callback']);
    for (const redirectUri of ['http://127.0.0.1:51234/other', 'http://127.0.0.1:51234/callback?x=1', 'http://localhost:51234/callback', 'https://127.0.0.1:51234/callback']) {
      await expect(authorize(server, { config, redirectUri, scope: 'openid' }), redirectUri).rejects.toThrow(/unexpected 400/);
    }
    // The seeded demo app is confidential (a web app): its http://127.0.0.1:8765/callback matches exactly.
    await expect(authorize(server, { config: await demoConfig(server), redirectUri: 'http://127.0.0.1:51234/callback' })).rejects.toThrow(/unexpected 400/);
  });

  it('a dynamically registered native client gets the same rule', async () => {
    const res = await fetch(`${server.issuer}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ application_type: 'native', redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none', client_name: 'Registered CLI' }),
    });
    expect(res.status).toBe(201);
    const { client_id } = (await res.json()) as { client_id: string };
    const config = await discover(server, client_id);
    expect((await authorize(server, { config, redirectUri: 'http://127.0.0.1:61000/cb', scope: 'openid' })).callback.port).toBe('61000');
  });

  it('decides from the registered URIs and the application type', () => {
    expect(redirectUriMatches('http://127.0.0.1:5/a', ['http://127.0.0.1/a'], 'native')).toBe(true);
    expect(redirectUriMatches('http://127.0.0.1:5/a', ['http://127.0.0.1/a'], 'web')).toBe(false);
    expect(redirectUriMatches('http://user@127.0.0.1:5/a', ['http://127.0.0.1/a'], 'native')).toBe(false);
    expect(redirectUriMatches('http://[::1]:5/a', ['http://127.0.0.1/a'], 'native')).toBe(false);
    expect(redirectUriMatches('com.example.app:/cb', ['com.example.app:/cb'], 'native')).toBe(true);
  });
});

describe('CORS: decided per endpoint', () => {
  let server: TestServer;
  let spa: { id: string };
  const spaOrigin = 'https://spa.example.test';
  beforeAll(async () => {
    server = await startTestServer();
    const created = await httpClient(server).apps.create({
      workspaceId: server.seed!.workspaceId,
      name: 'Browser SPA',
      clientType: 'public',
      redirectUris: [`${spaOrigin}/callback`],
      scopes: ['openid'],
    });
    spa = { id: created.app.id };
  });
  afterAll(() => server.dispose());

  const form = (origin: string, body: string, extra: Record<string, string> = {}) => ({ headers: { origin, 'content-type': 'application/x-www-form-urlencoded', ...extra }, body });

  it('discovery and JWKS are public: any origin may read them', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/oauth/jwks']) {
      const res = await raw(server, path, { method: 'GET', headers: { origin: 'https://anyone.example' } });
      expect(res.status, path).toBe(200);
      expect(res.headers['access-control-allow-origin'], path).toBe('https://anyone.example');
    }
  });

  it('token, revocation and introspection: a public client from its own redirect-URI origin only', async () => {
    const allowed = await raw(server, '/oauth/token', form(spaOrigin, `grant_type=authorization_code&code=oc_code_nope&client_id=${spa.id}&redirect_uri=${encodeURIComponent(`${spaOrigin}/callback`)}&code_verifier=${'a'.repeat(43)}`));
    expect(allowed.headers['access-control-allow-origin']).toBe(spaOrigin);
    expect(JSON.parse(allowed.body).error).toBe('invalid_grant');
    const revoke = await raw(server, '/oauth/revoke', form(spaOrigin, `token=oc_at_nope&client_id=${spa.id}`));
    expect(revoke.status).toBe(200);
    expect(revoke.headers['access-control-allow-origin']).toBe(spaOrigin);

    for (const origin of ['https://evil.example', 'null', 'http://127.0.0.1:8765']) {
      for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
        const res = await raw(server, path, form(origin, `grant_type=client_credentials&token=x&client_id=${spa.id}`));
        expect(res.status, `${path} from ${origin}`).toBe(400);
        expect(res.headers['access-control-allow-origin'], `${path} from ${origin}`).toBeUndefined();
        expect(JSON.parse(res.body).error_description).toBe(`origin ${origin} not allowed for client: ${spa.id}`);
      }
    }
  });

  it('a confidential client is never called from a browser, even from its redirect origin', async () => {
    const { clientId, clientSecret } = demoApp(server);
    const res = await raw(server, '/oauth/token', form(new URL(DEMO_REDIRECT).origin, 'grant_type=client_credentials&scope=read%3Auser', { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` }));
    expect(res.status).toBe(400);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    // Without an Origin (a server, a CLI) nothing changes.
    const server2server = await client.clientCredentialsGrant(await demoConfig(server), { scope: 'read:user' });
    expect(server2server.access_token).toMatch(/^oc_cc_/);
  });

  it('userinfo: any client, from its redirect-URI origins', async () => {
    const { tokens } = await codeFlow(server, { config: await demoConfig(server), scope: 'openid profile' });
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const own = await raw(server, '/oauth/userinfo', { method: 'GET', headers: { ...bearer, origin: new URL(DEMO_REDIRECT).origin } });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBe(new URL(DEMO_REDIRECT).origin);
    const foreign = await raw(server, '/oauth/userinfo', { method: 'GET', headers: { ...bearer, origin: 'https://evil.example' } });
    expect(foreign.status).toBe(400);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('preflights are answered before the client is known; the request itself is what is checked', async () => {
    const preflight = await raw(server, '/oauth/token', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toBe('POST');
    // Registration and the pages send no CORS headers at all.
    const register = await raw(server, '/oauth/register', { headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{"redirect_uris":["https://x.example/cb"]}' });
    expect(register.headers['access-control-allow-origin']).toBeUndefined();
  });
});
