import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, codeFlow, DEMO_REDIRECT, demoConfig } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

describe('authorization code + PKCE through the real sign-in and consent pages', () => {
  let server: TestServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    config = await demoConfig(server);
  });
  afterAll(() => server.dispose());

  it('issues tokens with prefixes, a verified ID token and userinfo', async () => {
    const { tokens, pages } = await codeFlow(server, { config, userEmail: 'adam.admin@example.test', scope: 'openid profile email offline_access read:user roles' });
    expect(pages).toHaveLength(2);
    expect(pages[0]).toContain('Sign in to continue to Demo App');
    expect(pages[1]).toContain('wants to access your account');
    expect(pages[1]).toContain('Read your user information');
    expect(tokens.access_token).toMatch(/^oc_at_/);
    expect(tokens.refresh_token).toMatch(/^oc_rt_/);
    expect(tokens.expires_in).toBeGreaterThan(86_000);
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(server.issuer);
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info.email).toBe('adam.admin@example.test');
    expect(info.roles).toEqual(['ADMIN']);
    expect((info.workspace as { name: string }).name).toBe('Demo Workspace');
  });

  it('returns access_denied to the app when the user denies', async () => {
    const { callback, state } = await authorize(server, { config, decision: 'deny' });
    expect(callback.origin + callback.pathname).toBe(DEMO_REDIRECT);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(state);
  });

  it('remembers consent and skips it next time unless prompt=consent', async () => {
    const first = await codeFlow(server, { config, userEmail: 'mia.member@example.test' });
    expect(first.pages).toHaveLength(2);
    const again = await authorize(server, { config, agent: first.agent });
    expect(again.pages).toHaveLength(0);
    expect(again.callback.searchParams.get('code')).toMatch(/^oc_code_/);
    const forced = await authorize(server, { config, agent: first.agent, params: { prompt: 'consent' } });
    expect(forced.pages).toHaveLength(1);
    expect(forced.pages[0]).toContain('wants to access your account');
  });

  it('refuses a reused authorization code with invalid_grant and revokes what it issued', async () => {
    const result = await authorize(server, { config });
    const tokens = await client.authorizationCodeGrant(config, result.callback, { pkceCodeVerifier: result.verifier, expectedState: result.state });
    await expect(
      client.authorizationCodeGrant(config, result.callback, { pkceCodeVerifier: result.verifier, expectedState: result.state }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(401);
  });
});
