import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFlow, confidentialAppConfig, demoConfig, userIdByEmail } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

describe('the sample resource API', () => {
  let server: TestServer;
  let config: client.Configuration;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startTestServer();
    workspaceId = server.seed!.workspaceId;
    config = await demoConfig(server);
  });
  afterAll(() => server.dispose());

  const call = (path: string, token?: string, init: RequestInit = {}) =>
    fetch(`${server.issuer}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) } });

  it('answers 401 with an RFC 6750 challenge without a token or with a bad one', async () => {
    const none = await call('/api/v1/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="oauth-console"');
    const garbage = await call('/api/v1/me', 'oc_at_not-a-token');
    expect(garbage.status).toBe(401);
    expect(garbage.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const malformed = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
    expect(malformed.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('routes by prefix without changing answers: 405 with Allow for another method, the REST 404 for no route, the security headers on both', async () => {
    const wrongMethod = await call('/api/v1/me', undefined, { method: 'DELETE' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toContain('GET');
    const management = await call('/api/v1/oauth/applications', undefined, { method: 'PUT' });
    expect(management.status).toBe(405);
    expect(management.headers.get('allow')).toContain('POST');
    const inbox = await call('/webhooks/inbox/some-id');
    expect(inbox.status).toBe(405);
    expect(inbox.headers.get('allow')).toBe('POST');
    for (const path of ['/api/v1/nothing-here', '/api/v1', '/interaction/', '/webhooks/inbox/']) {
      const missing = await call(path);
      expect(missing.status, path).toBe(404);
      expect(((await missing.json()) as { error: string }).error, path).toBe('not_found');
      expect(missing.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(missing.headers.get('content-security-policy'), path).toContain("default-src 'none'");
    }
  });

  it('answers 403 insufficient_scope naming the missing scope', async () => {
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:user' });
    const res = await call(`/api/v1/workspaces/${workspaceId}/members`, tokens.access_token);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(res.headers.get('www-authenticate')).toContain('scope="read:members"');
    expect(((await res.json()) as { scope: string }).scope).toBe('read:members');
  });

  it('serves the workspace, its members and comments to a token with the scopes', async () => {
    const { tokens } = await codeFlow(server, { config, userEmail: 'mia.member@example.test', scope: 'openid read:user read:organization read:members write:organization' });
    const me = (await (await call('/api/v1/me', tokens.access_token)).json()) as { email: string; workspace: { role: string } };
    expect(me.email).toBe('mia.member@example.test');
    expect(me.workspace.role).toBe('MEMBER');
    expect((await call(`/api/v1/workspaces/${workspaceId}`, tokens.access_token)).status).toBe(200);
    const members = (await (await call(`/api/v1/workspaces/${workspaceId}/members`, tokens.access_token)).json()) as { data: unknown[] };
    expect(members.data).toHaveLength(3);
    const created = await call(`/api/v1/workspaces/${workspaceId}/comments`, tokens.access_token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Hello from the test' }),
    });
    expect(created.status).toBe(201);
    const bad = await call(`/api/v1/workspaces/${workspaceId}/comments`, tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body: '' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { fields: Array<{ field: string }> }).fields[0]!.field).toBe('body');
    const broken = await call(`/api/v1/workspaces/${workspaceId}/comments`, tokens.access_token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(broken.status).toBe(400);
  });

  it('lets a user in several workspaces choose one, and scopes the token to it', async () => {
    const miaId = await userIdByEmail(server, 'mia.member@example.test');
    await server.db.insertInto('workspaces').values({ id: 'ws_second', name: 'Second Workspace', slug: 'second', created_at: Date.now() }).execute();
    await server.db.insertInto('memberships').values({ workspace_id: 'ws_second', user_id: miaId, role: 'ADMIN', created_at: Date.now() }).execute();
    const { tokens, pages } = await codeFlow(server, { config, userEmail: 'mia.member@example.test', scope: 'openid read:user read:members', workspaceId: 'ws_second', params: { prompt: 'consent' } });
    expect(pages.at(-1)).toContain('Second Workspace');
    expect(pages.at(-1)).toContain('Demo Workspace');
    const me = (await (await call('/api/v1/me', tokens.access_token)).json()) as { workspace: { id: string; role: string } };
    expect(me.workspace).toMatchObject({ id: 'ws_second', role: 'ADMIN' });
    expect((await call('/api/v1/workspaces/ws_second/members', tokens.access_token)).status).toBe(200);
    expect((await call(`/api/v1/workspaces/${workspaceId}/members`, tokens.access_token)).status).toBe(403);
  });

  it('refuses a token for another workspace', async () => {
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:organization' });
    const res = await call('/api/v1/workspaces/ws_other', tokens.access_token);
    expect(res.status).toBe(403);
  });

  it('limits a self actor by the user role: a member does not get admin scopes', async () => {
    const { tokens, pages } = await codeFlow(server, { config: await adminScopedConfig(server), userEmail: 'mia.member@example.test', scope: 'openid read:user admin:organization' });
    expect(pages.at(-1)).toContain('Needs the ADMIN role');
    expect(tokens.scope).not.toContain('admin:organization');
  });
});

/** A client allowed to ask for admin:organization. */
function adminScopedConfig(server: TestServer) {
  return confidentialAppConfig(server, { name: 'Admin tool', scopes: ['openid', 'read:user', 'admin:organization'] });
}
