import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, confidentialAppConfig, userIdByEmail } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

describe('the admin:all scope (seed 001: full system access)', () => {
  let server: TestServer;
  let config: client.Configuration;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = server.seed!.workspaceId;
    config = await confidentialAppConfig(server, {
      name: 'Full access tool',
      scopes: ['openid', 'read:user', 'admin:all'],
      grantTypes: ['authorization_code', 'client_credentials'],
      actorModes: ['self', 'app'],
    });
  });
  afterAll(() => server.dispose());

  const call = (path: string, token: string, init: RequestInit = {}) =>
    fetch(`${server.issuer}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });

  const comment = (token: string) =>
    call(`/api/v1/workspaces/${workspaceId}/comments`, token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: 'full access' }) });

  const setRole = async (email: string, role: 'OWNER' | 'ADMIN') =>
    server.db.updateTable('memberships').set({ role }).where('workspace_id', '=', workspaceId).where('user_id', '=', await userIdByEmail(server, email)).execute();

  it('is in the catalog the engine offers', async () => {
    const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as { scopes_supported: string[] };
    expect(discovery.scopes_supported).toContain('admin:all');
  });

  it('is granted by an OWNER and satisfies every scope check of the resource API', async () => {
    const { tokens } = await codeFlow(server, { config, userEmail: 'olivia.owner@example.test', scope: 'openid admin:all' });
    expect(tokens.scope?.split(' ')).toContain('admin:all');
    expect(tokens.scope?.split(' ')).not.toContain('read:user');
    expect((await call('/api/v1/me', tokens.access_token)).status).toBe(200);
    expect((await call(`/api/v1/workspaces/${workspaceId}`, tokens.access_token)).status).toBe(200);
    expect((await call(`/api/v1/workspaces/${workspaceId}/members`, tokens.access_token)).status).toBe(200);
    expect((await comment(tokens.access_token)).status).toBe(201);
    // Still bound to its workspace.
    expect((await call('/api/v1/workspaces/ws_elsewhere', tokens.access_token)).status).toBe(403);
    // And it stands for admin:organization in the management API.
    expect((await call('/api/v1/oauth/applications', tokens.access_token)).status).toBe(200);
  });

  it('is not granted by an ADMIN or a MEMBER, for the user or for the bot', async () => {
    for (const email of ['adam.admin@example.test', 'mia.member@example.test']) {
      for (const actor of ['self', 'app']) {
        const { tokens, pages } = await codeFlow(server, { config, userEmail: email, scope: 'openid read:user admin:all', params: { actor, prompt: 'consent' } });
        expect(pages.at(-1)).toContain('Needs the OWNER role');
        expect(tokens.scope?.split(' '), `${email} as ${actor}`).not.toContain('admin:all');
        expect((await call(`/api/v1/workspaces/${workspaceId}/members`, tokens.access_token)).status).toBe(403);
      }
    }
  });

  it('lasts only while the OWNER who granted it is an OWNER, also on a bot token', async () => {
    const self = (await codeFlow(server, { config, userEmail: 'olivia.owner@example.test', scope: 'openid admin:all', params: { prompt: 'consent' } })).tokens;
    const bot = (await codeFlow(server, { config, userEmail: 'olivia.owner@example.test', scope: 'openid admin:all', params: { actor: 'app', prompt: 'consent' } })).tokens;
    expect(bot.scope?.split(' ')).toContain('admin:all');
    expect((await call(`/api/v1/workspaces/${workspaceId}/members`, bot.access_token)).status).toBe(200);
    await setRole('olivia.owner@example.test', 'ADMIN');
    try {
      for (const token of [self.access_token, bot.access_token]) {
        const res = await call(`/api/v1/workspaces/${workspaceId}/members`, token);
        expect(res.status).toBe(403);
        expect(((await res.json()) as { error_description: string }).error_description).toMatch(/OWNER/);
        expect((await call('/api/v1/oauth/applications', token)).status).toBe(403);
      }
    } finally {
      await setRole('olivia.owner@example.test', 'OWNER');
    }
  });

  it('is never issued to client credentials', async () => {
    await expect(client.clientCredentialsGrant(config, { scope: 'read:user admin:all' })).rejects.toMatchObject({ error: 'invalid_scope' });
    const bot = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    expect((await call('/api/v1/me', bot.access_token)).status).toBe(200);
  });
});
