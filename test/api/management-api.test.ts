import type * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { clientCredentials } from '../admin/contract-suite';
import { codeFlow, discover, DEMO_REDIRECT, userIdByEmail } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

describe('the management REST API (POST /api/v1/oauth/applications and companions)', () => {
  let server: TestServer;
  let admin: AdminClient;
  let workspaceId: string;
  let apiKey: string;
  let toolConfig: client.Configuration;
  let tool: { id: string; secret: string };

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
    workspaceId = server.seed!.workspaceId;
    apiKey = (await admin.apiKeys.create({ workspaceId, name: 'REST tests' })).key;
    const created = await admin.apps.create({
      workspaceId,
      name: 'Admin Tool',
      redirectUris: [DEMO_REDIRECT],
      grantTypes: ['authorization_code', 'client_credentials'],
      actorModes: ['self', 'app'],
      scopes: ['openid', 'read:user', 'read:organization', 'admin:organization'],
    });
    tool = { id: created.app.id, secret: created.clientSecret! };
    toolConfig = await discover(server, tool.id, tool.secret);
  });
  afterAll(() => server.dispose());

  const call = async (method: string, path: string, token?: string, body?: unknown, contentType = 'application/json'): Promise<Answer> => {
    const res = await fetch(`${server.issuer}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  const create = (token: string | undefined, body: unknown) => call('POST', '/api/v1/oauth/applications', token, body);
  const seedBody = { name: 'My Integration', description: 'Integration for managing organization data', redirectUri: 'https://example.com/callback', scopes: ['read:organization', 'write:organization'] };
  const userToken = async (email: string, scope: string) => (await codeFlow(server, { config: toolConfig, userEmail: email, scope })).tokens.access_token;

  it('answers 401 without valid credentials', async () => {
    const none = await create(undefined, seedBody);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="oauth-console"');
    for (const token of ['oc_key_not-a-key', 'oc_at_not-a-token', 'garbage']) {
      const res = await create(token, seedBody);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    }
    const revoked = await admin.apiKeys.create({ workspaceId, name: 'soon revoked' });
    expect((await create(revoked.key, seedBody)).status).toBe(201);
    await admin.apiKeys.revoke({ id: revoked.apiKey.id });
    expect((await create(revoked.key, seedBody)).status).toBe(401);
  });

  it('creates an app with a workspace API key: 201, the secret once, then reads, changes, rotates and deletes it', async () => {
    const created = await create(apiKey, seedBody);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'My Integration',
      description: 'Integration for managing organization data',
      redirectUri: 'https://example.com/callback',
      redirectUris: ['https://example.com/callback'],
      scopes: ['read:organization', 'write:organization'],
      clientType: 'confidential',
      workspaceId,
      pkcePolicy: 'optional',
      singleLiveToken: false,
    });
    expect(created.body.clientId).toMatch(/^oc_app_/);
    expect(created.body.clientSecret).toMatch(/^oc_sec_/);
    expect(created.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(created.headers.get('location')).toBe(`/api/v1/oauth/applications/${created.body.id}`);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const id = created.body.id as string;
    expect((await admin.apps.get({ id })).origin).toBe('api');

    const got = await call('GET', `/api/v1/oauth/applications/${id}`, apiKey);
    expect(got.status).toBe(200);
    expect(got.body.clientSecret).toBeUndefined();
    expect(got.body.secretHint).toBe((created.body.clientSecret as string).slice(-4));
    const list = await call('GET', '/api/v1/oauth/applications?limit=200', apiKey);
    expect(list.body.data.map((a: { id: string }) => a.id)).toContain(id);
    expect(JSON.stringify(list.body)).not.toContain(created.body.clientSecret);

    const patched = await call('PATCH', `/api/v1/oauth/applications/${id}`, apiKey, { name: 'Renamed', redirectUri: 'http://localhost:3000/cb' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', redirectUris: ['http://localhost:3000/cb'], description: 'Integration for managing organization data' });
    const policies = await call('PATCH', `/api/v1/oauth/applications/${id}`, apiKey, { pkcePolicy: 'managed', singleLiveToken: true });
    expect(policies.body).toMatchObject({ pkcePolicy: 'managed', singleLiveToken: true, name: 'Renamed' });
    expect(await admin.apps.get({ id })).toMatchObject({ pkcePolicy: 'managed', singleLiveToken: true });

    const rotated = await call('POST', `/api/v1/oauth/applications/${id}/rotate-secret`, apiKey);
    expect(rotated.status).toBe(200);
    expect(rotated.body.clientSecret).toMatch(/^oc_sec_/);
    expect(rotated.body.clientSecret).not.toBe(created.body.clientSecret);

    expect((await call('DELETE', `/api/v1/oauth/applications/${id}`, apiKey)).status).toBe(204);
    expect((await call('GET', `/api/v1/oauth/applications/${id}`, apiKey)).status).toBe(404);
    expect((await call('DELETE', `/api/v1/oauth/applications/${id}`, apiKey)).status).toBe(404);
  });

  it('answers 400 with field errors for bad bodies', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ ...seedBody, name: '' }, ['name']],
      [{ ...seedBody, name: 'x'.repeat(101) }, ['name']],
      [{ ...seedBody, description: 'x'.repeat(501) }, ['description']],
      [{ name: 'No scopes', redirectUri: 'https://example.com/cb' }, ['scopes']],
      [{ ...seedBody, scopes: ['read:organization', 'admin:everything'] }, ['scopes.1']],
      [{ ...seedBody, clientType: 'public', pkcePolicy: 'managed' }, ['pkcePolicy']],
      [{ ...seedBody, pkcePolicy: 'sometimes' }, ['pkcePolicy']],
      [{ ...seedBody, singleLiveToken: 'yes' }, ['singleLiveToken']],
      [{ ...seedBody, redirectUri: 'http://example.com/callback' }, ['redirectUri']],
      [{ ...seedBody, redirectUri: 'https://example.com/cb#x' }, ['redirectUri']],
      [{ ...seedBody, redirectUris: ['https://a.example/cb'] }, ['redirectUri']],
      [{ name: 'Nowhere', scopes: ['openid'] }, ['redirectUris']],
      [{ ...seedBody, clientType: 'public', grantTypes: ['authorization_code', 'client_credentials'] }, ['grantTypes']],
      [{ ...seedBody, workspaceId: 'ws_other' }, ['workspaceId']],
      [[seedBody], ['']],
    ];
    for (const [body, fields] of cases) {
      const res = await create(apiKey, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(fields);
      expect(res.body.error_description).toEqual(expect.any(String));
    }
    const broken = await create(apiKey, '{"name": ');
    expect(broken.status).toBe(400);
    expect(broken.body.error).toBe('invalid_request');
    const form = await call('POST', '/api/v1/oauth/applications', apiKey, 'name=x&scopes=openid', 'application/x-www-form-urlencoded');
    expect(form.status).toBe(400);
    expect(form.body.fields[0].message).toMatch(/JSON/);
    expect((await call('GET', '/api/v1/oauth/applications?limit=0', apiKey)).body.fields[0].field).toBe('limit');
    const id = (await admin.apps.list({ workspaceId, limit: 1 })).items[0]!.id;
    const patch = await call('PATCH', `/api/v1/oauth/applications/${id}`, apiKey, { scopes: [] });
    expect(patch.status).toBe(400);
    expect(patch.body.fields[0].field).toBe('scopes');
  });

  it('accepts an OAuth access token with admin:organization for OWNER and ADMIN members', async () => {
    for (const email of ['adam.admin@example.test', 'olivia.owner@example.test']) {
      const token = await userToken(email, 'openid admin:organization');
      const res = await create(token, { ...seedBody, name: `Made by ${email}` });
      expect(res.status).toBe(201);
      expect(res.body.clientSecret).toMatch(/^oc_sec_/);
      expect((await call('GET', `/api/v1/oauth/applications/${res.body.id}`, token)).status).toBe(200);
    }
  });

  it('answers 403 to members, to tokens without the scope, and to bot tokens', async () => {
    const member = await userToken('mia.member@example.test', 'openid read:organization admin:organization');
    const denied = await create(member, seedBody);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: 'insufficient_scope', scope: 'admin:organization' });
    expect(denied.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    const memberRead = await call('GET', '/api/v1/oauth/applications', member);
    expect(memberRead.status).toBe(403);
    expect(memberRead.body).toEqual({ error: 'forbidden', error_description: expect.stringMatching(/Only OWNER and ADMIN members can see.*MEMBER/) });
    const someApp = (await admin.apps.list({ workspaceId, limit: 1 })).items[0]!.id;
    expect((await call('GET', `/api/v1/oauth/applications/${someApp}`, member)).status).toBe(403);
    const ownerReader = await userToken('olivia.owner@example.test', 'openid read:organization');
    const ownerRead = await call('GET', `/api/v1/oauth/applications/${tool.id}`, ownerReader);
    expect(ownerRead.status).toBe(200);
    expect(ownerRead.body.secretHint).toBe(tool.secret.slice(-4));

    const adamId = await userIdByEmail(server, 'adam.admin@example.test');
    const adam = await userToken('adam.admin@example.test', 'openid admin:organization');
    await admin.memberships.update({ workspaceId, userId: adamId, role: 'MEMBER' });
    try {
      const demoted = await create(adam, seedBody);
      expect(demoted.status).toBe(403);
      expect(demoted.body).toEqual({ error: 'forbidden', error_description: expect.stringMatching(/Only OWNER and ADMIN.*MEMBER/) });
      const some = (await admin.apps.list({ workspaceId, limit: 1 })).items[0]!.id;
      expect((await call('PATCH', `/api/v1/oauth/applications/${some}`, adam, { name: 'Nope' })).status).toBe(403);
      expect((await call('DELETE', `/api/v1/oauth/applications/${some}`, adam)).status).toBe(403);
      expect((await call('POST', `/api/v1/oauth/applications/${some}/rotate-secret`, adam)).status).toBe(403);
    } finally {
      await admin.memberships.update({ workspaceId, userId: adamId, role: 'ADMIN' });
    }

    const readOnly = await userToken('olivia.owner@example.test', 'openid read:user');
    expect((await create(readOnly, seedBody)).status).toBe(403);
    expect((await call('GET', '/api/v1/oauth/applications', readOnly)).status).toBe(403);

    const botRes = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${tool.id}:${tool.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=admin%3Aorganization',
    });
    const bot = ((await botRes.json()) as { access_token: string }).access_token;
    const botCreate = await create(bot, seedBody);
    expect(botCreate.status).toBe(403);
    expect(botCreate.body.error_description).toMatch(/bot/);
    expect((await call('GET', '/api/v1/oauth/applications', bot)).status).toBe(200);
    expect((await clientCredentials(server, tool.id, tool.secret)).status).toBe(200);
  });

  it("keeps each workspace to its own apps", async () => {
    const other = await admin.workspaces.create({ name: 'Other Org' });
    const otherKey = (await admin.apiKeys.create({ workspaceId: other.id, name: 'other' })).key;
    const mine = await create(apiKey, { ...seedBody, name: 'Mine' });
    expect((await call('GET', `/api/v1/oauth/applications/${mine.body.id}`, otherKey)).status).toBe(404);
    expect((await call('PATCH', `/api/v1/oauth/applications/${mine.body.id}`, otherKey, { name: 'Stolen' })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/oauth/applications/${mine.body.id}`, otherKey)).status).toBe(404);
    const theirs = await create(otherKey, { ...seedBody, name: 'Theirs' });
    expect(theirs.body.workspaceId).toBe(other.id);
    const list = await call('GET', '/api/v1/oauth/applications', otherKey);
    expect(list.body.data.map((a: { name: string }) => a.name)).toEqual(['Theirs']);
  });

  it('pages the list with a cursor', async () => {
    const ws = await admin.workspaces.create({ name: 'Paged Org' });
    const key = (await admin.apiKeys.create({ workspaceId: ws.id, name: 'paged' })).key;
    for (const name of ['One', 'Two', 'Three']) await create(key, { ...seedBody, name });
    const first = await call('GET', '/api/v1/oauth/applications?limit=2', key);
    expect(first.body.data.map((a: { name: string }) => a.name)).toEqual(['Three', 'Two']);
    const second = await call('GET', `/api/v1/oauth/applications?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, key);
    expect(second.body).toMatchObject({ data: [{ name: 'One' }], nextCursor: null });
  });

  it('serves its OpenAPI 3.1 document', async () => {
    const res = await call('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: server.issuer }]);
    expect(Object.keys(res.body.paths)).toEqual([
      '/api/v1/oauth/applications',
      '/api/v1/oauth/applications/{id}',
      '/api/v1/oauth/applications/{id}/rotate-secret',
      '/api/v1/oauth/applications/{id}/webhooks',
      '/api/v1/oauth/applications/{id}/webhooks/{webhookId}',
      '/api/v1/oauth/applications/{id}/webhooks/{webhookId}/deliveries',
    ]);
    const create = res.body.components.schemas.CreateApplication;
    expect(create.required).toEqual(expect.arrayContaining(['name', 'scopes']));
    expect(create.properties.name).toMatchObject({ type: 'string', minLength: 1, maxLength: 100 });
    expect(create.properties.description.anyOf ?? [create.properties.description]).toEqual(expect.arrayContaining([expect.objectContaining({ maxLength: 500 })]));
    expect(res.body.paths['/api/v1/oauth/applications'].post.responses).toHaveProperty('201');
    expect(res.body.paths['/api/v1/oauth/applications'].post.responses).toHaveProperty('403');
  });
});
