import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, demoApp, demoConfig } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

describe('refresh, client credentials, revocation and introspection', () => {
  let server: TestServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    config = await demoConfig(server);
  });
  afterAll(() => server.dispose());

  const callMe = (token: string) => fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  it('rotates refresh tokens and revokes the grant when a used one comes back', async () => {
    const { tokens } = await codeFlow(server, { config });
    const first = tokens.refresh_token!;
    const second = await client.refreshTokenGrant(config, first);
    expect(second.refresh_token).toMatch(/^oc_rt_/);
    expect(second.refresh_token).not.toBe(first);
    expect((await callMe(second.access_token)).status).toBe(200);

    await expect(client.refreshTokenGrant(config, first)).rejects.toMatchObject({ error: 'invalid_grant' });
    // Reuse detection revoked the whole grant: the newest tokens die too.
    await expect(client.refreshTokenGrant(config, second.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await callMe(second.access_token)).status).toBe(401);
    expect((await client.tokenIntrospection(config, second.access_token)).active).toBe(false);
  });

  it('issues client-credentials tokens acting as the app inside its workspace', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user read:organization' });
    expect(tokens.access_token).toMatch(/^oc_cc_/);
    expect(tokens.refresh_token).toBeUndefined();
    const me = await callMe(tokens.access_token);
    expect(me.status).toBe(200);
    const body = (await me.json()) as { type: string; workspace: { name: string } };
    expect(body.type).toBe('app');
    expect(body.workspace.name).toBe('Demo Workspace');
    const info = await client.tokenIntrospection(config, tokens.access_token);
    expect(info.active).toBe(true);
    expect(info.client_id).toBe(demoApp(server).clientId);
    expect(info.scope).toBe('read:user read:organization');
  });

  it('refuses client credentials for scopes the app was not given', async () => {
    await expect(client.clientCredentialsGrant(config, { scope: 'admin:organization' })).rejects.toMatchObject({ error: 'invalid_scope' });
  });

  it('revocation makes introspection inactive and the resource API answer 401 at once', async () => {
    const { tokens } = await codeFlow(server, { config });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    expect((await callMe(tokens.access_token)).status).toBe(200);
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    const res = await callMe(tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="oauth-console", error="invalid_token"/);
    // The row is kept, marked revoked, so the console can show it.
    const rows = await server.db.selectFrom('oidc_models').select(['revoked_at']).where('kind', '=', 'AccessToken').where('revoked_at', 'is not', null).execute();
    expect(rows.length).toBeGreaterThan(0);
  });

  it('revoking a refresh token revokes its grant and every token of it', async () => {
    const { tokens } = await codeFlow(server, { config });
    await client.tokenRevocation(config, tokens.refresh_token!);
    expect((await callMe(tokens.access_token)).status).toBe(401);
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('applies lifetime settings to new tokens without a restart', async () => {
    await server.settings.update({ accessTokenTtl: 60, clientCredentialsTtl: 30 });
    try {
      const cc = await client.clientCredentialsGrant(config, { scope: 'read:user' });
      expect(cc.expires_in).toBeLessThanOrEqual(30);
      const { tokens } = await codeFlow(server, { config });
      expect(tokens.expires_in).toBeLessThanOrEqual(60);
    } finally {
      await server.settings.update({ accessTokenTtl: 86400, clientCredentialsTtl: 86400 });
    }
  });

  it('defaults to the seeds: 24 h access tokens, 5 min single-use codes, refresh until revoked', async () => {
    const { tokens } = await codeFlow(server, { config });
    expect(tokens.expires_in).toBeGreaterThan(86_390);
    const code = await server.db.selectFrom('oidc_models').select(['created_at', 'expires_at']).where('kind', '=', 'AuthorizationCode').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(code.expires_at! - code.created_at).toBe(300_000);
    const refresh = await server.db.selectFrom('oidc_models').select(['created_at', 'expires_at']).where('kind', '=', 'RefreshToken').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(refresh.expires_at! - refresh.created_at).toBeGreaterThan(9 * 365 * 86_400_000);
  });
});
