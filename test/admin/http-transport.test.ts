import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../src/main/server/admin-http';
import { followChanges, PROCEDURE_NAMES, readServerSentEvents, type ChangeEvent } from '../../src/shared/contract';
import { raw } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';
import { httpClient } from './admin-clients';

describe('the admin HTTP transport', () => {
  let server: TestServer;
  let host: string;
  let auth: Record<string, string>;
  const json = { 'content-type': 'application/json' };

  beforeAll(async () => {
    server = await startTestServer();
    host = `127.0.0.1:${server.port}`;
    auth = { host, authorization: `Bearer ${server.adminToken}` };
  });
  afterAll(() => server.dispose());

  it('answers a procedure call with its output, and never sets a cookie or CORS header', async () => {
    const res = await raw(server, '/admin/rpc/server.status', { headers: { ...auth, ...json }, body: '{}' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ issuer: server.issuer });
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('requires the admin token, compared whole, only in the Authorization header', async () => {
    const missing = await raw(server, '/admin/rpc/server.status', { headers: { host, ...json }, body: '{}' });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="oauth-console-admin"');
    expect(JSON.parse(missing.body)).toEqual({ error: { code: 'unauthorized', message: expect.stringContaining('admin token') } });

    const wrong = `${server.adminToken.slice(0, -1)}${server.adminToken.endsWith('A') ? 'B' : 'A'}`;
    for (const headers of <Array<Record<string, string>>>[
      { authorization: `Bearer ${wrong}` },
      { authorization: `Bearer ${server.adminToken.slice(0, -4)}` },
      { authorization: server.adminToken },
      { cookie: `token=${server.adminToken}` },
    ]) {
      expect((await raw(server, '/admin/rpc/server.status', { headers: { host, ...json, ...headers }, body: '{}' })).status).toBe(401);
    }
    expect((await raw(server, `/admin/rpc/server.status?token=${server.adminToken}`, { headers: { host, ...json }, body: '{}' })).status).toBe(401);
  });

  it('refuses a Host that is not this server (DNS rebinding), even with the token', async () => {
    for (const bad of [`evil.example:${server.port}`, 'evil.example', `127.0.0.1:${server.port + 1}`, `localhost:${server.port}`]) {
      const res = await raw(server, '/admin/rpc/server.status', { headers: { ...auth, host: bad, ...json }, body: '{}' });
      expect(res.status).toBe(421);
      expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining(server.issuer.slice(7)) });
    }
  });

  it('refuses cross-origin and cross-site callers, and accepts the console on its own origin', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null']) {
      const res = await raw(server, '/admin/rpc/server.status', { headers: { ...auth, origin, ...json }, body: '{}' });
      expect(res.status).toBe(403);
    }
    const preflight = await raw(server, '/admin/rpc/apps.create', { method: 'OPTIONS', headers: { host, origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect((await raw(server, '/admin/rpc/server.status', { headers: { ...auth, 'sec-fetch-site': 'cross-site', ...json }, body: '{}' })).status).toBe(403);
    expect((await raw(server, '/admin/rpc/server.status', { headers: { ...auth, origin: server.issuer, ...json }, body: '{}' })).status).toBe(200);
  });

  it('answers loopback peers only', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['10.0.0.2', '192.168.1.5', '::ffff:10.0.0.2', 'fe80::1', '', undefined].some(isLoopbackAddress)).toBe(false);
  });

  it('takes JSON only, and answers malformed calls with structured errors', async () => {
    const form = await raw(server, '/admin/rpc/apps.create', { headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=x' });
    expect(form.status).toBe(400);
    expect(JSON.parse(form.body).error.code).toBe('invalid_input');
    const broken = await raw(server, '/admin/rpc/apps.create', { headers: { ...auth, ...json }, body: '{"name":' });
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body).error).toMatchObject({ code: 'invalid_input', message: 'The body is not valid JSON' });
    const get = await raw(server, '/admin/rpc/apps.list', { method: 'GET', headers: auth });
    expect(get.status).toBe(400);
    const unknown = await raw(server, '/admin/rpc/apps.explode', { headers: { ...auth, ...json }, body: '{}' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('unknown_procedure');
    expect((await raw(server, '/admin/rpc/%E0%A4%A', { headers: { ...auth, ...json }, body: '{}' })).status).toBe(404);
    const invalid = await raw(server, '/admin/rpc/apps.create', { headers: { ...auth, ...json }, body: JSON.stringify({ workspaceId: server.seed!.workspaceId, name: 'x'.repeat(101), scopes: [] }) });
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).error.fields.map((f: { field: string }) => f.field)).toEqual(['name', 'scopes', 'redirectUris']);
    const notFound = await raw(server, '/admin/rpc/apps.get', { headers: { ...auth, ...json }, body: '{"id":"oc_app_nope"}' });
    expect(notFound.status).toBe(404);
    const conflict = await raw(server, '/admin/rpc/workspaces.create', { headers: { ...auth, ...json }, body: '{"name":"Demo","slug":"demo"}' });
    expect(conflict.status).toBe(409);
    for (const res of [form, broken, get, unknown, invalid, notFound, conflict]) expect(res.body).not.toMatch(/\bat .+\.(ts|js):\d+/);
  });

  it('lists the procedures of the contract', async () => {
    const res = await raw(server, '/admin/procedures', { method: 'GET', headers: auth });
    const { items } = JSON.parse(res.body) as { items: Array<{ name: string; kind: string }> };
    expect(items.map((p) => p.name)).toEqual(PROCEDURE_NAMES);
    expect(items.find((p) => p.name === 'apps.create')?.kind).toBe('mutation');
  });

  it('streams live changes as server-sent events, resuming after a given event id', async () => {
    const admin = httpClient(server);
    await server.activity.flush();
    const { latestId } = await admin.activity.list({ limit: 1 });
    const controller = new AbortController();
    const res = await fetch(`${server.issuer}/admin/changes`, { headers: { authorization: `Bearer ${server.adminToken}` }, signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = readServerSentEvents(res.body!);
    const created = await admin.apps.create({ workspaceId: server.seed!.workspaceId, name: 'Live App', redirectUris: ['https://live.example/cb'], scopes: ['openid'] });
    const first = (await events.next()).value!;
    expect(first.event).toBe('change');
    const change = JSON.parse(first.data) as ChangeEvent;
    expect(change).toMatchObject({ type: 'app.created', topics: ['activity', 'apps'] });
    expect(Number(first.id)).toBe(change.id);
    controller.abort();

    await admin.apps.delete({ id: created.app.id });
    await server.activity.flush();
    const resumed = new AbortController();
    const seen: ChangeEvent[] = [];
    const done = followChanges({
      baseUrl: server.issuer,
      token: server.adminToken,
      afterId: latestId,
      signal: resumed.signal,
      onChange: (c) => {
        seen.push(c);
        if (seen.length === 2) resumed.abort();
      },
    });
    await done;
    expect(seen.map((c) => c.type)).toEqual(['app.created', 'app.deleted']);
    expect(seen[0]!.id).toBeGreaterThan(latestId);

    const refused = await fetch(`${server.issuer}/admin/changes`, { headers: { authorization: 'Bearer nope' } });
    expect(refused.status).toBe(401);
    const bad = await fetch(`${server.issuer}/admin/changes?afterId=-1`, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(bad.status).toBe(400);
  });

  it('serves many followers from one listener on the activity log', async () => {
    const controllers = Array.from({ length: 15 }, () => new AbortController());
    const streams = await Promise.all(
      controllers.map(async (controller) => {
        const res = await fetch(`${server.issuer}/admin/changes`, { headers: { authorization: `Bearer ${server.adminToken}` }, signal: controller.signal });
        return readServerSentEvents(res.body!);
      }),
    );
    // The fan-out's one listener, beside the activity relay's (which announces events to other instances).
    expect(server.activity.listenerCount('event')).toBe(2);
    expect(server.activity.listenerCount('relayed')).toBe(1);
    await httpClient(server).workspaces.create({ name: 'Watched by many' });
    const firsts = await Promise.all(streams.map(async (events) => JSON.parse((await events.next()).value!.data) as ChangeEvent));
    expect(firsts.every((c) => c.type === 'workspace.created')).toBe(true);
    controllers.forEach((c) => c.abort());
  });

  it('mints a new admin token at every start', async () => {
    const other = await startTestServer();
    try {
      expect(other.adminToken).toMatch(/^oc_adm_[\w-]{43}$/);
      expect(other.adminToken).not.toBe(server.adminToken);
      const res = await fetch(`${other.issuer}/admin/rpc/server.status`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, ...json }, body: '{}' });
      expect(res.status).toBe(401);
    } finally {
      await other.dispose();
    }
  });
});
