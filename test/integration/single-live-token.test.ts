import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, confidentialApp, userIdByEmail, type ConfidentialApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

type TestApp = ConfidentialApp;

describe('one live token per workspace and actor (seed 004)', () => {
  let server: TestServer;
  let single: TestApp;
  let plain: TestApp;

  const addApp = (name: string, singleLiveToken: boolean) =>
    confidentialApp(server, {
      name,
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      scopes: ['openid', 'offline_access', 'read:user'],
      actorModes: ['self', 'app'],
      singleLiveToken,
    });

  const me = async (token: string) => (await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status;

  const active = async (app: TestApp, token: string) => {
    const res = await fetch(`${server.issuer}/oauth/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    return ((await res.json()) as { active: boolean }).active;
  };

  const botToken = async (app: TestApp) => (await client.clientCredentialsGrant(app.config, { scope: 'read:user' })).access_token;
  const userToken = async (app: TestApp, email: string, workspaceId?: string) =>
    (await codeFlow(server, { config: app.config, userEmail: email, scope: 'openid offline_access read:user', ...(workspaceId ? { workspaceId, params: { prompt: 'consent' } } : {}) })).tokens;

  beforeAll(async () => {
    server = await startTestServer();
    single = await addApp('One live token', true);
    plain = await addApp('Many live tokens', false);
  });
  afterAll(() => server.dispose());

  it('revokes the earlier client-credentials token when a new one is issued', async () => {
    const first = await botToken(single);
    const second = await botToken(single);
    expect(await active(single, first)).toBe(false);
    expect(await me(first)).toBe(401);
    expect(await active(single, second)).toBe(true);
    expect(await me(second)).toBe(200);
  });

  it('revokes the earlier access token of the same user, also when a refresh issues the new one', async () => {
    const first = await userToken(single, 'mia.member@example.test');
    const second = await userToken(single, 'mia.member@example.test');
    expect(await active(single, first.access_token)).toBe(false);
    expect(await me(first.access_token)).toBe(401);
    expect(await me(second.access_token)).toBe(200);

    const refreshed = await client.refreshTokenGrant(single.config, second.refresh_token!);
    expect(await me(second.access_token)).toBe(401);
    expect(await me(refreshed.access_token)).toBe(200);
  });

  it('keeps tokens of another actor, another user and another workspace live', async () => {
    const bot = await botToken(single);
    const mia = await userToken(single, 'mia.member@example.test');
    const olivia = await userToken(single, 'olivia.owner@example.test');

    const miaId = await userIdByEmail(server, 'mia.member@example.test');
    await server.db.insertInto('workspaces').values({ id: 'ws_other', name: 'Other Workspace', slug: 'other', created_at: Date.now() }).execute();
    await server.db.insertInto('memberships').values({ workspace_id: 'ws_other', user_id: miaId, role: 'MEMBER', created_at: Date.now() }).execute();
    const miaElsewhere = await userToken(single, 'mia.member@example.test', 'ws_other');
    const row = await server.db.selectFrom('oidc_models').select('workspace_id').where('kind', '=', 'AccessToken').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    expect(row.workspace_id).toBe('ws_other');

    for (const token of [bot, mia.access_token, olivia.access_token, miaElsewhere.access_token]) expect(await me(token)).toBe(200);
  });

  it('leaves every token live when the option is off', async () => {
    const first = await botToken(plain);
    const second = await botToken(plain);
    const mia1 = await userToken(plain, 'mia.member@example.test');
    const mia2 = await userToken(plain, 'mia.member@example.test');
    for (const token of [first, second, mia1.access_token, mia2.access_token]) {
      expect(await active(plain, token)).toBe(true);
      expect(await me(token)).toBe(200);
    }
  });

  it('leaves exactly one live token when many are issued at once', async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, () => botToken(single)));
    const live = await Promise.all(tokens.map((t) => active(single, t)));
    expect(live.filter(Boolean)).toHaveLength(1);
  });

  it('follows the option as it is switched', async () => {
    const { updateApp } = await import('../../src/main/admin/apps');
    await updateApp(server, { id: plain.clientId, singleLiveToken: true }, { via: 'console', principal: 'test' });
    const before = await botToken(plain);
    const after = await botToken(plain);
    expect(await me(before)).toBe(401);
    expect(await me(after)).toBe(200);
  });
});
