import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../admin/admin-clients';
import { demoApp } from '../helpers/flows';
import { raw } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('413 for bodies over the limit, on every body-taking endpoint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('a 90 KB registration, token or PAR body: 413 with an RFC-shaped error', async () => {
    const big = JSON.stringify({ redirect_uris: ['https://x.example/cb'], client_name: 'x'.repeat(90 * 1024) });
    const register = await raw(server, '/oauth/register', { headers: { 'content-type': 'application/json' }, body: big });
    expect(register.status).toBe(413);
    expect(JSON.parse(register.body)).toEqual({ error: 'invalid_request', error_description: 'request body too large (limit 56 KB)' });
    for (const path of ['/oauth/token', '/oauth/par', '/oauth/revoke', '/oauth/introspect']) {
      const res = await raw(server, path, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&scope=${'a'.repeat(90 * 1024)}` });
      expect(res.status, path).toBe(413);
      expect(JSON.parse(res.body).error_description, path).toBe('request body too large (limit 56 KB)');
    }
    // Sent in chunks, without Content-Length: found out while the engine reads it, and still a 413.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: '/oauth/register', method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 90; i++) req.write(big.slice(i * 1024, (i + 1) * 1024));
      req.end(big.slice(90 * 1024));
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error_description).toBe('request body too large (limit 56 KB)');
    // Under the limit the engine parses it as usual.
    const small = await raw(server, '/oauth/register', { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['https://x.example/cb'] }) });
    expect(small.status).toBe(201);
  });

  it('our own APIs and the admin service answer 413 too', async () => {
    const { key } = await httpClient(server).apiKeys.create({ workspaceId: server.seed!.workspaceId, name: 'limits' });
    const api = await raw(server, '/api/v1/oauth/applications', { headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', description: 'y'.repeat(150 * 1024) }) });
    expect(api.status).toBe(413);
    expect(JSON.parse(api.body)).toEqual({ error: 'invalid_request', error_description: 'request body too large (limit 100 KB)' });

    const admin = await raw(server, '/admin/rpc/apps.create', {
      headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'z'.repeat(1100 * 1024) }),
    });
    expect(admin.status).toBe(413);
    expect(JSON.parse(admin.body).error).toMatchObject({ code: 'invalid_input', message: 'request body too large (limit 1024 KB)' });
  });

  it('a sign-in form over the limit gets a 413 page', async () => {
    const res = await raw(server, '/interaction/some-uid/login', { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.issuer }, body: `csrf=${'a'.repeat(150 * 1024)}` });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('request body too large (limit 100 KB)');
  });
});

describe('rate limits on the admin token check', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const adminCall = (token: string) => raw(server, '/admin/rpc/server.status', { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' });
  const hits = async (limit: string) =>
    (await server.db.selectFrom('events').select('detail').where('type', '=', 'rate_limit.hit').execute()).filter((e) => JSON.parse(e.detail ?? '{}').limit === limit);

  it('1,000 wrong admin tokens meet the limit after 20; the episode is logged once', async () => {
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 1000 }, (_, i) => adminCall(`oc_adm_wrong${i}`)));
    const elapsed = Date.now() - started;
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 401).length).toBe(20);
    expect(statuses.filter((s) => s === 429).length).toBe(980);
    const limited = answers.find((a) => a.status === 429)!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body).error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/Too many wrong admin tokens; retry after \d+ s/) });
    // The right token waits out the episode too (the address is blocked, not the guess).
    expect((await adminCall(server.adminToken)).status).toBe(429);
    await server.activity.flush();
    expect(await hits('adminFailures')).toHaveLength(1);
    console.log(`1,000 wrong admin tokens answered in ${elapsed} ms`);
  });

  it('settings change the limits at once, and turn them off', async () => {
    await server.settings.update({ adminFailuresPerMinute: 0 });
    expect((await adminCall(server.adminToken)).status).toBe(200);
    await server.settings.update({ adminFailuresPerMinute: 20, rateLimitsEnabled: false });
    expect((await adminCall(server.adminToken)).status).toBe(200);
    // Over the admin contract too, checked by its schema.
    expect(await httpClient(server).settings.update({ tokenFailuresPerMinute: 5 })).toMatchObject({ tokenFailuresPerMinute: 5, rateLimitsEnabled: false });
    await expect(httpClient(server).settings.update({ tokenFailuresPerMinute: -1 })).rejects.toMatchObject({ code: 'invalid_input' });
  });
});

describe('rate limits on the token endpoint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const hits = async (limit: string) =>
    (await server.db.selectFrom('events').select('detail').where('type', '=', 'rate_limit.hit').execute()).filter((e) => JSON.parse(e.detail ?? '{}').limit === limit);

  it('failed token requests are limited per client and address, loopback included', async () => {
    await server.settings.update({ rateLimitsEnabled: true, tokenFailuresPerMinute: 5 });
    const { clientId, clientSecret } = demoApp(server);
    const attempt = (secret: string) =>
      raw(server, '/oauth/token', { headers: { authorization: basic(clientId, secret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await attempt('oc_sec_wrong')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    const limited = await attempt(clientSecret);
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.body)).toEqual({ error: 'too_many_requests', error_description: expect.stringMatching(/^too many requests; retry after \d+ s$/) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await server.activity.flush();
    expect(await hits('tokenFailures')).toHaveLength(1);

    // Another client on the same address is not affected.
    const other = await httpClient(server).apps.create({ workspaceId: server.seed!.workspaceId, name: 'Other', grantTypes: ['client_credentials'], actorModes: ['app'], scopes: ['read:user'], redirectUris: [] });
    const ok = await raw(server, '/oauth/token', { headers: { authorization: basic(other.app.id, other.clientSecret!), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(ok.status).toBe(200);
  });

  it('successful token requests from loopback are not limited (local tools, the benchmark)', async () => {
    await server.settings.update({ tokenRequestsPerMinute: 3 });
    const other = await httpClient(server).apps.create({ workspaceId: server.seed!.workspaceId, name: 'Busy', grantTypes: ['client_credentials'], actorModes: ['app'], scopes: ['read:user'], redirectUris: [] });
    for (let i = 0; i < 10; i++) {
      const res = await raw(server, '/oauth/token', { headers: { authorization: basic(other.app.id, other.clientSecret!), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      expect(res.status).toBe(200);
    }
  });
});

describe('rate limits behind a proxy (--public-url): every peer is the proxy, so loopback is not exempt', () => {
  let server: TestServer;
  const host = 'auth.example.test';
  beforeAll(async () => {
    server = await startTestServer({ publicUrl: `https://${host}` });
    await server.settings.update({ tokenRequestsPerMinute: 3, registrationsPerMinute: 2, signInPostsPerMinute: 2 });
  });
  afterAll(() => server.dispose());

  it('limits token requests, registrations and sign-in posts', async () => {
    const { clientId, clientSecret } = demoApp(server);
    const token = () =>
      raw(server, '/oauth/token', { headers: { host, authorization: basic(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    const tokenStatuses = [];
    for (let i = 0; i < 5; i++) tokenStatuses.push((await token()).status);
    expect(tokenStatuses).toEqual([200, 200, 200, 429, 429]);

    const register = () => raw(server, '/oauth/register', { headers: { host, 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['https://x.example/cb'] }) });
    const registerStatuses = [];
    for (let i = 0; i < 3; i++) registerStatuses.push((await register()).status);
    expect(registerStatuses).toEqual([201, 201, 429]);

    const signIn = () => raw(server, '/interaction/some-uid/login', { headers: { host, origin: `https://${host}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x' });
    const pages = [];
    for (let i = 0; i < 3; i++) pages.push(await signIn());
    expect(pages.map((p) => p.status)).toEqual([400, 400, 429]);
    expect(pages[2]!.headers['content-type']).toMatch(/^text\/html/);
    expect(pages[2]!.body).toContain('Too many sign-in attempts');
    expect(Number(pages[2]!.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('--no-rate-limit', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ rateLimits: false });
  });
  afterAll(() => server.dispose());

  it('turns every limit off for the run, whatever the settings say', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, () => raw(server, '/admin/rpc/server.status', { headers: { authorization: 'Bearer oc_adm_wrong', 'content-type': 'application/json' }, body: '{}' })));
    expect(answers.every((a) => a.status === 401)).toBe(true);
    expect(server.settings.current.rateLimitsEnabled).toBe(true);
  });
});
