import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../src/shared/contract';
import { codeFlow, demoApp, discover, userIdByEmail, type DemoApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';
import { httpClient } from './admin-clients';
import { introspect } from './contract-suite';

describe('revocation through the admin service takes effect at once', () => {
  let server: TestServer;
  let admin: AdminClient;
  let demo: DemoApp;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
    demo = demoApp(server);
    config = await discover(server, demo.clientId, demo.clientSecret);
  });
  afterAll(() => server.dispose());

  const me = (token: string) => fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  /** A fresh connection whose access token works before the revocation under test. */
  const connect = async (email = 'mia.member@example.test') => {
    const { tokens } = await codeFlow(server, { config, userEmail: email, scope: 'openid offline_access read:user' });
    expect((await me(tokens.access_token)).status).toBe(200);
    expect((await introspect(server, demo, tokens.access_token)).active).toBe(true);
    return tokens;
  };

  const expectDead = async (tokens: client.TokenEndpointResponse) => {
    expect((await introspect(server, demo, tokens.access_token)).active).toBe(false);
    const res = await me(tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  };

  it('tokens.revoke: the revoked access token is inactive and the resource API answers 401', async () => {
    const tokens = await connect();
    const { items } = await admin.tokens.list({ appId: demo.clientId, kind: 'access', status: 'active', limit: 1 });
    const inspected = await admin.tokens.inspect({ value: tokens.access_token });
    expect(items[0]!.id).toBe(inspected.token!.id);
    expect(await admin.tokens.revoke({ id: inspected.token!.id })).toEqual({ revoked: 1 });
    expect((await introspect(server, demo, tokens.access_token)).active).toBe(false);
    expect((await me(tokens.access_token)).status).toBe(401);
  });

  it('connections.revoke: every token of the grant dies, refresh included', async () => {
    const tokens = await connect();
    const grantId = (await admin.tokens.inspect({ value: tokens.access_token })).token!.grantId!;
    expect((await admin.connections.revoke({ id: grantId })).revokedTokens).toBe(2);
    await expectDead(tokens);
  });

  it('tokens.revokeAll for a grant, a user and an app', async () => {
    const byGrant = await connect();
    const grantId = (await admin.tokens.inspect({ value: byGrant.access_token })).token!.grantId!;
    expect(await admin.tokens.revokeAll({ grantId })).toEqual({ revokedTokens: 2, revokedGrants: 1 });
    await expectDead(byGrant);

    const adam = await userIdByEmail(server, 'adam.admin@example.test');
    const first = await connect('adam.admin@example.test');
    const second = await connect('adam.admin@example.test');
    const mias = await connect('mia.member@example.test');
    const byUser = await admin.tokens.revokeAll({ userId: adam });
    expect(byUser.revokedTokens).toBe(4);
    expect(byUser.revokedGrants).toBeGreaterThanOrEqual(1);
    await expectDead(first);
    await expectDead(second);
    expect((await me(mias.access_token)).status).toBe(200);

    const byApp = await admin.tokens.revokeAll({ appId: demo.clientId });
    expect(byApp.revokedTokens).toBeGreaterThanOrEqual(2);
    await expectDead(mias);
    expect((await admin.tokens.list({ appId: demo.clientId, status: 'active' })).items).toEqual([]);
  });

  it('users.remove and apps.delete revoke what belonged to them', async () => {
    const user = await admin.users.create({ email: 'temp.member@example.test', name: 'Temp Member' });
    await admin.memberships.create({ workspaceId: server.seed!.workspaceId, userId: user.id, role: 'MEMBER' });
    const tokens = await connect('temp.member@example.test');
    expect((await admin.users.remove({ id: user.id })).revokedTokens).toBeGreaterThanOrEqual(2);
    await expectDead(tokens);

    const other = await admin.apps.create({ workspaceId: server.seed!.workspaceId, name: 'Short-lived', grantTypes: ['client_credentials'], actorModes: ['app'], scopes: ['read:user'] });
    const res = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${other.app.id}:${other.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read%3Auser',
    });
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await me(access_token)).status).toBe(200);
    expect((await admin.apps.delete({ id: other.app.id })).revokedTokens).toBe(1);
    expect((await me(access_token)).status).toBe(401);
  });
});
