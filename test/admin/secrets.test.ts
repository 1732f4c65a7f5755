import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, type AdminClient } from '../../src/shared/contract';
import { codeFlow, demoApp, discover, type DemoApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';
import { httpClient } from './admin-clients';

describe('secrets never leak into the activity log, errors, logs or the database', () => {
  let server: TestServer;
  let admin: AdminClient;
  let demo: DemoApp;
  const logLines: string[] = [];
  /** Every answer body and error message seen by a caller. */
  const answers: string[] = [];
  const secrets = new Map<string, string>();

  const expectFailure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (err) {
      expect(err).toBeInstanceOf(AdminError);
      answers.push(JSON.stringify((err as AdminError).toBody()));
      return;
    }
    throw new Error('expected a failure');
  };

  const http = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.issuer}${path}`, init);
    const text = await res.text();
    answers.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}`);
    return { status: res.status, text };
  };

  beforeAll(async () => {
    server = await startTestServer({ log: (line) => logLines.push(line) });
    admin = httpClient(server);
    demo = demoApp(server);
    const workspaceId = server.seed!.workspaceId;
    secrets.set('admin token', server.adminToken);
    secrets.set('demo client secret', demo.clientSecret);

    const created = await admin.apps.create({ workspaceId, name: 'Secretive', redirectUris: ['https://secretive.example/cb'], scopes: ['openid', 'admin:organization'], grantTypes: ['authorization_code', 'client_credentials'], actorModes: ['self', 'app'] });
    secrets.set('client secret', created.clientSecret!);
    const rotated = await admin.apps.rotateSecret({ id: created.app.id });
    secrets.set('rotated client secret', rotated.clientSecret!);
    const key = await admin.apiKeys.create({ workspaceId, name: 'leaky?' });
    secrets.set('API key', key.key);
    secrets.set('initial access token', (await admin.registration.createInitialAccessToken({})).token);

    const config = await discover(server, demo.clientId, demo.clientSecret);
    const flow = await codeFlow(server, { config, userEmail: 'adam.admin@example.test', scope: 'openid offline_access read:user' });
    secrets.set('authorization code', flow.callback.searchParams.get('code')!);
    secrets.set('access token', flow.tokens.access_token);
    secrets.set('refresh token', flow.tokens.refresh_token!);
    secrets.set('ID token', flow.tokens.id_token!);
    const refreshed = await client.refreshTokenGrant(config, flow.tokens.refresh_token!);
    secrets.set('rotated refresh token', refreshed.refresh_token!);
    secrets.set('refreshed access token', refreshed.access_token);

    const rest = await http('/api/v1/oauth/applications', {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Via REST', redirectUri: 'https://rest.example/cb', scopes: ['openid'] }),
    });
    expect(rest.status).toBe(201);
    secrets.set('REST client secret', (JSON.parse(rest.text) as { clientSecret: string }).clientSecret);
    answers.pop();

    // Misuse every secret in the places people paste them by mistake.
    for (const value of secrets.values()) {
      await expectFailure(admin.apps.get({ id: value.slice(0, 200) }));
      await expectFailure(admin.tokens.inspect({ id: value.slice(0, 200), value }));
      await expectFailure(admin.apps.create({ workspaceId, name: 'x', scopes: [value], redirectUris: [value] }));
      await expectFailure(admin.apps.update({ id: created.app.id, logoUrl: value }));
      await http('/api/v1/me', { headers: { authorization: `Bearer ${value}` } });
      await http('/api/v1/oauth/applications', { headers: { authorization: `Bearer ${value}` } });
      await http('/api/v1/oauth/applications', { method: 'POST', headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', scopes: [value], redirectUri: value, [value.slice(0, 50)]: 1 }) });
      await http(`/admin/rpc/${encodeURIComponent(value)}`, { method: 'POST', headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' }, body: '{}' });
      await http('/admin/rpc/server.status', { method: 'POST', headers: { authorization: `Bearer ${value}x`, 'content-type': 'application/json' }, body: '{}' });
    }
    await http('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: flow.tokens.refresh_token!, client_id: demo.clientId, client_secret: demo.clientSecret }).toString() });
    await http('/oauth/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: secrets.get('authorization code')!, redirect_uri: 'http://127.0.0.1:8765/callback', client_id: demo.clientId, client_secret: secrets.get('client secret')! }).toString() });
    await admin.tokens.inspect({ value: flow.tokens.access_token });
    await admin.tokens.inspect({ value: flow.tokens.id_token! });
    await admin.tokens.revokeAll({ appId: demo.clientId });
    await http('/api/v1/me', { headers: { authorization: `Bearer ${refreshed.access_token}` } });
    await server.activity.flush();
  }, 60_000);
  afterAll(() => server.dispose());

  const leaks = (text: string) => [...secrets].filter(([, value]) => text.includes(value)).map(([name]) => name);

  it('keeps every secret out of the activity log', async () => {
    const events = await server.db.selectFrom('events').selectAll().execute();
    expect(events.length).toBeGreaterThan(30);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['app.created', 'app.secret_rotated', 'api_key.created', 'token.revoked_all', 'api.rejected', 'token.rejected']));
    expect(leaks(JSON.stringify(events))).toEqual([]);
    const listed = await admin.activity.list({ limit: 500 });
    expect(leaks(JSON.stringify(listed))).toEqual([]);
  });

  it('keeps every secret out of error answers and the server log', () => {
    expect(answers.length).toBeGreaterThan(100);
    expect(leaks(answers.join('\n'))).toEqual([]);
    expect(leaks(logLines.join('\n'))).toEqual([]);
  });

  it('stores secrets only as hashes: no plaintext in any database file', async () => {
    await server.activity.flush();
    const files = (await readdir(server.dataDir)).filter((f) => f !== 'master.key');
    expect(files).toContain('oauth-console.sqlite');
    for (const file of files) {
      const bytes = await readFile(join(server.dataDir, file));
      const text = bytes.toString('latin1');
      expect({ file, leaks: leaks(text) }).toEqual({ file, leaks: [] });
    }
    const app = await server.db.selectFrom('apps').select(['secret_hash']).where('name', '=', 'Secretive').executeTakeFirstOrThrow();
    expect(app.secret_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    const keys = await server.db.selectFrom('api_keys').select('key_hash').execute();
    expect(keys.every((k) => /^sha256:[0-9a-f]{64}$/.test(k.key_hash))).toBe(true);
  });
});
