import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { codeFlow, confidentialApp, type ConfidentialApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/webhook-receiver';

interface Answer {
  status: number;
  body: Record<string, any>;
}

describe('the management REST API for webhooks (…/applications/{id}/webhooks)', () => {
  let server: TestServer;
  let admin: AdminClient;
  let apiKey: string;
  let tool: ConfidentialApp;
  let appId: string;

  beforeAll(async () => {
    server = await startTestServer({ webhooks: { retryDelaysMs: [], pollIntervalMs: 20 } });
    admin = httpClient(server);
    apiKey = (await admin.apiKeys.create({ workspaceId: server.seed!.workspaceId, name: 'webhooks REST' })).key;
    tool = await confidentialApp(server, { name: 'Webhook tool', scopes: ['openid', 'read:user', 'read:webhooks', 'write:webhooks'] });
    appId = server.seed!.appId;
  });
  afterAll(() => server.dispose());

  const call = async (method: string, path: string, token: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(`${server.issuer}/api/v1/oauth/applications/${appId}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : {} };
  };
  const token = async (email: string, scope: string) => (await codeFlow(server, { config: tool.config, userEmail: email, scope })).tokens.access_token;

  it('creates, lists, changes, reads deliveries of and deletes a webhook with an API key', async () => {
    const catcher = await admin.webhooks.catcher({ appId });
    const created = await call('POST', '/webhooks', apiKey, { url: catcher.url, events: ['app.updated'], description: 'CI' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ appId, url: catcher.url, events: ['app.updated'], enabled: true, description: 'CI' });
    expect(created.body.secret).toMatch(/^whsec_/);
    const id = created.body.id as string;
    expect((await call('GET', '/webhooks', apiKey)).body.data).toEqual([expect.objectContaining({ id, secretHint: created.body.secret.slice(-4) })]);
    expect((await call('GET', '/webhooks', apiKey)).body.data[0].secret).toBeUndefined();

    const patched = await call('PATCH', `/webhooks/${id}`, apiKey, { events: ['app.updated', 'app.secret_rotated'], enabled: true });
    expect(patched.status).toBe(200);
    expect(patched.body.events).toEqual(['app.updated', 'app.secret_rotated']);

    await admin.apps.update({ id: appId, description: 'seen by the webhook' });
    const deliveries = await eventually(async () => {
      const page = await call('GET', `/webhooks/${id}/deliveries?limit=10`, apiKey);
      return page.body.data?.[0]?.status === 'succeeded' ? page : undefined;
    });
    expect(deliveries.status).toBe(200);
    expect(deliveries.body.data[0]).toMatchObject({ eventType: 'app.updated', attempts: 1, attemptLog: [expect.objectContaining({ responseStatus: 200 })] });
    expect(deliveries.body.nextCursor).toBeNull();

    expect((await call('DELETE', `/webhooks/${id}`, apiKey)).status).toBe(204);
    expect((await call('GET', '/webhooks', apiKey)).body.data).toEqual([]);
    expect((await call('DELETE', `/webhooks/${id}`, apiKey)).status).toBe(404);
  });

  it('answers 400 with field errors for a bad body', async () => {
    const bad = await call('POST', '/webhooks', apiKey, { url: 'http://hooks.example.test/in', events: ['nope'], extra: 1 });
    expect(bad.status).toBe(400);
    const fields = (bad.body.fields as Array<{ field: string }>).map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['url', 'events.0']));
    expect((await call('GET', '/webhooks/wh_x/deliveries?limit=abc', apiKey)).status).toBe(400);
  });

  it('accepts write:webhooks and read:webhooks tokens of an ADMIN for what each allows', async () => {
    const writer = await token('adam.admin@example.test', 'openid write:webhooks');
    const created = await call('POST', '/webhooks', writer, { url: 'https://hooks.example.test/adam', events: ['app.deleted'] });
    expect(created.status).toBe(201);
    const reader = await token('adam.admin@example.test', 'openid read:webhooks');
    expect((await call('GET', '/webhooks', reader)).status).toBe(200);
    expect((await call('GET', `/webhooks/${created.body.id}/deliveries`, reader)).status).toBe(200);
    const refused = await call('POST', '/webhooks', reader, { url: 'https://hooks.example.test/r', events: ['app.deleted'] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');
    expect((await call('PATCH', `/webhooks/${created.body.id}`, reader, { enabled: false })).status).toBe(403);
    expect((await call('DELETE', `/webhooks/${created.body.id}`, writer)).status).toBe(204);
  });

  it('answers 403 to a MEMBER and to a token without a webhook scope, 404 for an app of another workspace', async () => {
    const member = await token('mia.member@example.test', 'openid write:webhooks read:webhooks');
    expect((await call('GET', '/webhooks', member)).status).toBe(403);
    expect((await call('POST', '/webhooks', member, { url: 'https://hooks.example.test/m', events: ['app.deleted'] })).status).toBe(403);
    const plain = await token('adam.admin@example.test', 'openid read:user');
    const noScope = await call('GET', '/webhooks', plain);
    expect(noScope.status).toBe(403);
    expect(noScope.body.error).toBe('insufficient_scope');

    const other = await admin.workspaces.create({ name: 'Elsewhere', slug: 'elsewhere' });
    const foreign = await admin.apps.create({ workspaceId: other.id, name: 'Foreign', redirectUris: ['https://f.example.test/cb'], scopes: ['openid'] });
    const res = await fetch(`${server.issuer}/api/v1/oauth/applications/${foreign.app.id}/webhooks`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(res.status).toBe(404);
  });

  it('describes the routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.issuer}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/v1/oauth/applications/{id}/webhooks']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(doc.paths['/api/v1/oauth/applications/{id}/webhooks/{webhookId}']!)).toEqual(expect.arrayContaining(['patch', 'delete']));
    expect(doc.paths['/api/v1/oauth/applications/{id}/webhooks/{webhookId}/deliveries']!.get).toBeTruthy();
  });
});
