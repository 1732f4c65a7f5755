import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApp } from '../../src/main/store/apps-store';
import { demoApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

describe('redirect URIs and PKCE', () => {
  let server: TestServer;
  let publicClientId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { app } = await insertApp(server.db, {
      workspaceId: server.seed!.workspaceId,
      name: 'SPA',
      clientType: 'public',
      redirectUris: ['http://localhost:5173/callback'],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile', 'read:user'],
      actorModes: ['self'],
      origin: 'console',
    });
    publicClientId = app.id;
  });
  afterAll(() => server.dispose());

  const authorizeUrl = (params: Record<string, string>) => {
    const url = new URL('/oauth/authorize', server.issuer);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  };

  it('never redirects to an unregistered redirect_uri', async () => {
    const { clientId } = demoApp(server);
    for (const redirect of ['https://evil.example/cb', 'http://127.0.0.1:8765/callback/extra', 'http://127.0.0.1:8765/callback?x=1', 'http://localhost:3000/CALLBACK']) {
      const res = await fetch(
        authorizeUrl({ client_id: clientId, response_type: 'code', redirect_uri: redirect, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGKSdd1Ts_2', code_challenge_method: 'S256' }),
        { redirect: 'manual' },
      );
      expect(res.status, redirect).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(await res.text()).toContain('redirect_uri');
    }
  });

  it('never redirects for an unknown client', async () => {
    const res = await fetch(authorizeUrl({ client_id: 'oc_app_nope', response_type: 'code', redirect_uri: 'https://evil.example/cb', scope: 'openid' }), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('requires PKCE for public clients and refuses the plain method', async () => {
    const base = { client_id: publicClientId, response_type: 'code', redirect_uri: 'http://localhost:5173/callback', scope: 'openid', state: 's1' };
    const missing = await fetch(authorizeUrl(base), { redirect: 'manual' });
    expect(missing.status).toBe(303);
    const location = new URL(missing.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toMatch(/PKCE/);

    const plain = await fetch(authorizeUrl({ ...base, code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }), { redirect: 'manual' });
    const plainLocation = new URL(plain.headers.get('location')!);
    expect(plainLocation.searchParams.get('error')).toBe('invalid_request');
  });

  it('lets confidential clients use PKCE optionally and checks the verifier', async () => {
    const { clientId, clientSecret } = demoApp(server);
    const config = await client.discovery(new URL(server.issuer), clientId, undefined, client.ClientSecretBasic(clientSecret), { execute: [client.allowInsecureRequests] });
    const { authorize } = await import('../helpers/flows');
    const result = await authorize(server, { config });
    await expect(
      client.authorizationCodeGrant(config, result.callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: result.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
