import { decodeJwt } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpc } from '../helpers/admin-rpc';
import { codeFlow, demoApp, demoConfig } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';


describe('time: the server clock offset and "expire now"', () => {
  let server: TestServer;
  let config: client.Configuration;
  let basic: string;

  beforeAll(async () => {
    server = await startTestServer({ consentPolicy: 'auto-approve' });
    config = await demoConfig(server);
    const app = demoApp(server);
    basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
  });
  afterAll(() => server.dispose());

  const introspect = async (token: string) => {
    const res = await fetch(`${server.issuer}/oauth/introspect`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
    return (await res.json()) as { active: boolean; exp?: number; iat?: number };
  };
  const me = (token: string) => fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  it('a 24-hour token expires when the clock travels past it: introspection, the resource API and the console say so', async () => {
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:user offline_access' });
    expect(tokens.expires_in).toBe(86_400);
    expect((await introspect(tokens.access_token)).active).toBe(true);
    expect((await me(tokens.access_token)).status).toBe(200);
    await rpc(server, 'simulation.setClock', { offsetSeconds: 86_400 - 2 });
    expect((await introspect(tokens.access_token)).active).toBe(true);
    await rpc(server, 'simulation.setClock', { offsetSeconds: 86_400 + 1 });
    expect((await introspect(tokens.access_token)).active).toBe(false);
    const refused = await me(tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect((await rpc(server, 'tokens.inspect', { value: tokens.access_token })).token!.status).toBe('expired');
    const refresh = await fetch(`${server.issuer}/oauth/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }) });
    expect(refresh.status).toBe(200);
    // Back to real time: the same token is live again (it never was revoked).
    await rpc(server, 'simulation.setClock', { offsetSeconds: 0 });
    expect((await introspect(tokens.access_token)).active).toBe(true);
  });

  it('the iat and exp of ID tokens and JWT access tokens are on the server clock', async () => {
    const offset = 7200;
    await rpc(server, 'simulation.setClock', { offsetSeconds: offset });
    try {
      const realNow = Math.floor(Date.now() / 1000);
      const { tokens } = await codeFlow(server, { config: await demoConfigWithTolerance(server, offset), scope: 'openid' });
      const idToken = decodeJwt(tokens.id_token!);
      expect(idToken.iat!).toBeGreaterThanOrEqual(realNow + offset - 5);
      expect(idToken.iat!).toBeLessThanOrEqual(realNow + offset + 5);
      expect(idToken.exp! - idToken.iat!).toBe(3600);
      await rpc(server, 'resources.create', { identifier: 'https://jwt.example.test/api', name: 'JWT API', scopes: ['read:user'], customScopes: [], tokenFormat: 'jwt', accessTokenTtl: 600 });
      const res = await fetch(`${server.issuer}/oauth/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:user', resource: 'https://jwt.example.test/api' }),
      });
      expect(res.status).toBe(200);
      const jwt = decodeJwt(((await res.json()) as { access_token: string }).access_token);
      expect(jwt.iat!).toBeGreaterThanOrEqual(realNow + offset - 5);
      expect(jwt.exp! - jwt.iat!).toBe(600);
    } finally {
      await rpc(server, 'simulation.setClock', { offsetSeconds: 0 });
    }
  });

  it('"expire now" expires (not revokes) a token and a grant: introspection inactive, refresh refused, listed as expired', async () => {
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:user offline_access' });
    const row = (await rpc(server, 'tokens.inspect', { value: tokens.access_token })).token!;
    expect(row.status).toBe('active');
    expect((await rpc(server, 'tokens.expire', { id: row.id })).expired).toBe(1);
    expect((await introspect(tokens.access_token)).active).toBe(false);
    expect((await me(tokens.access_token)).status).toBe(401);
    const after = await rpc(server, 'tokens.inspect', { id: row.id });
    expect(after.token?.status).toBe('expired');
    // The grant and its refresh token: refresh is refused.
    expect((await rpc(server, 'tokens.expire', { grantId: row.grantId! })).expired).toBeGreaterThanOrEqual(1);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    // A whole app's tokens.
    const { tokens: more } = await codeFlow(server, { config, scope: 'openid read:user' });
    expect((await rpc(server, 'tokens.expire', { appId: demoApp(server).clientId })).expired).toBeGreaterThanOrEqual(1);
    expect((await introspect(more.access_token)).active).toBe(false);
    await expect(rpc(server, 'tokens.expire', {})).rejects.toMatchObject({ status: 400 });
    await expect(rpc(server, 'tokens.expire', { id: 'nope' })).rejects.toMatchObject({ status: 404 });
  });

  it('per-app lifetimes override the server settings, and bad ones get field errors', async () => {
    const app = demoApp(server);
    await rpc(server, 'apps.update', { id: app.clientId, lifetimes: { accessToken: 30, refreshToken: 120, idToken: 60, authorizationCode: 5 } });
    try {
      const { tokens } = await codeFlow(server, { config, scope: 'openid read:user offline_access' });
      expect(tokens.expires_in).toBe(30);
      const idToken = decodeJwt(tokens.id_token!);
      expect(idToken.exp! - idToken.iat!).toBe(60);
      const refresh = await introspect(tokens.refresh_token!);
      expect(refresh.exp! - refresh.iat!).toBe(120);
      // Client credentials take the app's access-token lifetime too.
      const issued = await fetch(`${server.issuer}/oauth/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=read%3Auser' });
      expect(((await issued.json()) as { expires_in: number }).expires_in).toBe(30);
      const got = await rpc(server, 'apps.get', { id: app.clientId });
      expect(got.lifetimes).toEqual({ accessToken: 30, refreshToken: 120, idToken: 60, authorizationCode: 5 });
      // The override makes the token expire in seconds on the server clock.
      await rpc(server, 'simulation.setClock', { offsetSeconds: 31 });
      expect((await introspect(tokens.access_token)).active).toBe(false);
      await rpc(server, 'simulation.setClock', { offsetSeconds: 0 });
      await expect(rpc(server, 'apps.update', { id: app.clientId, lifetimes: { accessToken: 0, refreshToken: null, idToken: null, authorizationCode: null } })).rejects.toMatchObject({
        body: { error: { fields: [{ field: 'lifetimes.accessToken' }] } },
      });
    } finally {
      await rpc(server, 'apps.update', { id: app.clientId, lifetimes: { accessToken: null, refreshToken: null, idToken: null, authorizationCode: null } });
    }
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:user' });
    expect(tokens.expires_in).toBe(86_400);
  });
});

/** openid-client checks ID token times against its own (real) clock; told the server's clock is `seconds` ahead (its `clockSkew`). */
function demoConfigWithTolerance(server: TestServer, seconds: number): Promise<client.Configuration> {
  const app = demoApp(server);
  return client.discovery(new URL(server.issuer), app.clientId, { client_secret: app.clientSecret, [client.clockSkew]: seconds }, client.ClientSecretBasic(app.clientSecret), {
    execute: [client.allowInsecureRequests],
  });
}
