import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, confidentialAppConfig, demoApp, demoConfig } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

describe('discovery metadata', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('publishes OIDC discovery, RFC 8414 metadata and a JWKS with RS256 and ES256 keys', async () => {
    const oidc = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const oauth = (await (await fetch(`${server.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(oauth).toEqual(oidc);
    expect(oidc.issuer).toBe(server.issuer);
    for (const key of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'revocation_endpoint', 'introspection_endpoint', 'registration_endpoint', 'end_session_endpoint']) {
      expect(oidc[key], key).toMatch(new RegExp(`^${server.issuer}/oauth/`));
    }
    expect(oidc.code_challenge_methods_supported).toEqual(['S256']);
    expect(oidc.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
    expect(oidc.scopes_supported).toEqual(expect.arrayContaining(['openid', 'groups', 'roles', 'read:members', 'admin:organization']));
    expect(oidc.response_types_supported).toEqual(['code']);
    const jwks = (await (await fetch(oidc.jwks_uri as string)).json()) as { keys: Array<{ alg: string; d?: string }> };
    expect(jwks.keys.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });
});

describe('pushed authorization requests and end session', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('accepts a pushed authorization request and runs the flow from its request_uri', async () => {
    const config = await demoConfig(server);
    const client = await import('openid-client');
    const verifier = client.randomPKCECodeVerifier();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: 'http://127.0.0.1:8765/callback',
      scope: 'openid read:user',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    await server.settings.update({ consentPolicy: 'auto-approve' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!, server.issuer).pathname).toMatch(/^\/interaction\//);
    await server.settings.update({ consentPolicy: 'prompt' });
  });

  it('serves the end-session confirmation page', async () => {
    const res = await fetch(`${server.issuer}/oauth/logout`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<form');
  });
});

describe('consent policies for automation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('auto-approve signs in the login_hint user and consents without pages', async () => {
    await server.settings.update({ consentPolicy: 'auto-approve' });
    const config = await demoConfig(server);
    const result = await authorize(server, { config, params: { login_hint: 'mia.member@example.test' } });
    expect(result.pages).toHaveLength(0);
    expect(result.callback.searchParams.get('code')).toMatch(/^oc_code_/);
    const noHint = await authorize(server, { config });
    expect(noHint.pages).toHaveLength(0);
  });

  it('auto-deny returns access_denied', async () => {
    await server.settings.update({ consentPolicy: 'auto-deny' });
    const config = await demoConfig(server);
    const result = await authorize(server, { config });
    expect(result.callback.searchParams.get('error')).toBe('access_denied');
  });

  it('a per-app policy overrides the global one', async () => {
    await server.settings.update({ consentPolicy: 'auto-deny' });
    const app = demoApp(server);
    await server.db.updateTable('apps').set({ consent_policy: 'auto-approve' }).where('id', '=', app.clientId).execute();
    const config = await demoConfig(server);
    const result = await authorize(server, { config });
    expect(result.callback.searchParams.get('code')).toBeTruthy();
    await server.db.updateTable('apps').set({ consent_policy: null }).where('id', '=', app.clientId).execute();
    await server.settings.update({ consentPolicy: 'prompt' });
  });

  it('rejects an actor mode the app does not allow', async () => {
    const config = await confidentialAppConfig(server, { name: 'Self only', scopes: ['openid'] });
    const result = await authorize(server, { config, scope: 'openid', params: { actor: 'app' } });
    expect(result.callback.searchParams.get('error')).toBe('invalid_request');
    expect(result.callback.searchParams.get('error_description')).toContain('actor mode');
  });
});
