import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProcedureInput } from '../../src/shared/contract/procedures';
import { rpc } from '../helpers/admin-rpc';
import { codeFlow, confidentialApp, demoApp, demoConfig, DEMO_REDIRECT } from '../helpers/flows';

import { makeTempDir, startTestServer, type TestServer } from '../helpers/server';


function clientCredentials(server: TestServer, clientId: string, secret: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.issuer}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read:user', ...extra }),
  });
}

describe('fault and latency simulation', () => {
  let server: TestServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startTestServer({ consentPolicy: 'auto-approve' });
    config = await demoConfig(server);
  });
  afterAll(() => server.dispose());

  it('an authorization error redirects to the redirect URI with error, state and iss, and the flow works once the rule is spent', async () => {
    await rpc(server, 'simulation.create', { endpoint: 'authorize', effect: 'error', error: 'temporarily_unavailable', mode: 'next', count: 1 });
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: DEMO_REDIRECT, scope: 'openid', state, code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(DEMO_REDIRECT);
    expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(location.searchParams.get('state')).toBe(state);
    expect(location.searchParams.get('iss')).toBe(server.issuer);
    // openid-client meets it as an authorization error, then recovers: the rule answered its one request.
    await expect(client.authorizationCodeGrant(config, location, { expectedState: state })).rejects.toMatchObject({ error: 'temporarily_unavailable' });
    const { tokens } = await codeFlow(server, { config, scope: 'openid' });
    expect(tokens.access_token).toMatch(/^oc_at_/);
    const listed = await rpc(server, 'simulation.list', {});
    expect(listed.items[0]).toMatchObject({ endpoint: 'authorize', remaining: 0, applied: 1 });
    expect(listed.items[0]!.spentAt).not.toBeNull();
  });

  it('a token error by grant type leaves other grants alone, and the code stays unused', async () => {
    const rule = await rpc(server, 'simulation.create', { endpoint: 'token', grantType: 'authorization_code', effect: 'error', error: 'invalid_grant', mode: 'until_cleared' });
    const app = demoApp(server);
    const cc = await clientCredentials(server, app.clientId, app.clientSecret);
    expect(cc.status).toBe(200);
    const flow = await (await import('../helpers/flows')).authorize(server, { config, scope: 'openid' });
    await expect(client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state })).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
    await rpc(server, 'simulation.delete', { id: rule.id });
    // The faulted request never reached the engine: the same code is still good.
    const tokens = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state });
    expect(tokens.access_token).toMatch(/^oc_at_/);
  });

  it('invalid_client for one app carries WWW-Authenticate: Basic; 429 and 503 carry Retry-After', async () => {
    const app = demoApp(server);
    const other = await confidentialApp(server, { name: 'Other', scopes: ['read:user'], grantTypes: ['client_credentials'], actorModes: ['app'] });
    await rpc(server, 'simulation.create', { endpoint: 'token', appId: app.clientId, effect: 'error', error: 'invalid_client', mode: 'until_cleared' });
    const faulted = await clientCredentials(server, app.clientId, app.clientSecret);
    expect(faulted.status).toBe(401);
    expect(faulted.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(((await faulted.json()) as { error: string }).error).toBe('invalid_client');
    expect((await clientCredentials(server, other.clientId, other.clientSecret)).status).toBe(200);
    await rpc(server, 'simulation.clear', {});
    for (const status of [429, 503] as const) {
      await rpc(server, 'simulation.create', { endpoint: 'token', effect: 'status', status, retryAfterSeconds: 7, mode: 'next', count: 1 });
      const res = await clientCredentials(server, app.clientId, app.clientSecret);
      expect(res.status).toBe(status);
      expect(res.headers.get('retry-after')).toBe('7');
      expect((await clientCredentials(server, app.clientId, app.clientSecret)).status).toBe(200);
    }
  });

  it('device-flow errors apply to the device_code grant at the token endpoint', async () => {
    await expect(rpc(server, 'simulation.create', { endpoint: 'token', effect: 'error', error: 'slow_down', mode: 'until_cleared' })).rejects.toMatchObject({
      status: 400,
      body: { error: { fields: [{ field: 'grantType' }] } },
    });
    await rpc(server, 'simulation.create', { endpoint: 'token', grantType: 'urn:ietf:params:oauth:grant-type:device_code', effect: 'error', error: 'slow_down', mode: 'next', count: 1 });
    const app = demoApp(server);
    const res = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'whatever' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('slow_down');
    await rpc(server, 'simulation.clear', {});
  });

  it('userinfo, the resource API and MCP answer bearer errors with WWW-Authenticate, then recover', async () => {
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:user' });
    for (const endpoint of ['userinfo', 'resource_api', 'mcp'] as const) {
      await rpc(server, 'simulation.create', { endpoint, effect: 'error', error: 'invalid_token', mode: 'next', count: 1 });
    }
    const userinfo = await fetch(`${server.issuer}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const api = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(api.status).toBe(401);
    expect(api.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const mcp = await fetch(`${server.issuer}/mcp`, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(mcp.status).toBe(401);
    expect(mcp.headers.get('www-authenticate')).toContain(`resource_metadata="${server.issuer}/.well-known/oauth-protected-resource/mcp"`);
    // Spent: the real answers are back.
    expect((await client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck)).sub).toBeTruthy();
    expect((await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
  });

  it('latency delays the answer by at least the configured time', async () => {
    await rpc(server, 'simulation.create', { endpoint: 'jwks', effect: 'latency', latencyMs: 300, mode: 'next', count: 1 });
    const started = performance.now();
    const res = await fetch(`${server.issuer}/oauth/jwks`);
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('"next N" is exact under 20 parallel requests, every time', async () => {
    const app = demoApp(server);
    for (let round = 0; round < 3; round++) {
      await rpc(server, 'simulation.create', { endpoint: 'token', effect: 'error', error: 'server_error', mode: 'next', count: 5 });
      const answers = await Promise.all(Array.from({ length: 20 }, () => clientCredentials(server, app.clientId, app.clientSecret)));
      expect(answers.filter((r) => r.status === 500)).toHaveLength(5);
      expect(answers.filter((r) => r.status === 200)).toHaveLength(15);
    }
  });

  it('a share of 50% faults about half of 200 requests', async () => {
    await rpc(server, 'simulation.create', { endpoint: 'jwks', effect: 'error', error: 'server_error', mode: 'share', percent: 50 });
    let faulted = 0;
    for (let i = 0; i < 200; i++) if ((await fetch(`${server.issuer}/oauth/jwks`)).status === 500) faulted++;
    // Binomial(200, 0.5): 60..140 is more than 5 standard deviations either way.
    expect(faulted).toBeGreaterThan(60);
    expect(faulted).toBeLessThan(140);
    await rpc(server, 'simulation.clear', {});
  });

  it('bad input gets field errors', async () => {
    const cases: Array<[ProcedureInput<'simulation.create'>, string]> = [
      [{ endpoint: 'jwks', effect: 'error', error: 'invalid_grant', mode: 'until_cleared' }, 'error'],
      [{ endpoint: 'token', effect: 'latency', mode: 'next', count: 1 }, 'latencyMs'],
      [{ endpoint: 'token', effect: 'status', status: 503, mode: 'share' }, 'percent'],
      [{ endpoint: 'userinfo', grantType: 'client_credentials', effect: 'status', status: 429, mode: 'until_cleared' }, 'grantType'],
      [{ endpoint: 'token', effect: 'latency', latencyMs: 10, mode: 'until_cleared', appId: 'oc_app_nope' }, 'appId'],
    ];
    for (const [input, field] of cases) {
      await expect(rpc(server, 'simulation.create', input)).rejects.toMatchObject({ body: { error: { fields: expect.arrayContaining([expect.objectContaining({ field })]) } } });
    }
  });
});

describe('rules survive a restart', () => {
  it('a rule and the clock offset are still in effect after the server restarts on the same folder', async () => {
    const dataDir = await makeTempDir();
    const first = await startTestServer({ dataDir });
    await rpc(first, 'simulation.create', { endpoint: 'jwks', effect: 'status', status: 503, mode: 'until_cleared' });
    await rpc(first, 'simulation.setClock', { offsetSeconds: 3600 });
    await first.dispose();
    const second = await startTestServer({ dataDir });
    try {
      expect((await fetch(`${second.issuer}/oauth/jwks`)).status).toBe(503);
      const listed = await rpc(second, 'simulation.list', {});
      expect(listed.clockOffsetSeconds).toBe(3600);
      await rpc(second, 'simulation.clear', { clock: true });
      expect((await fetch(`${second.issuer}/oauth/jwks`)).status).toBe(200);
      expect((await rpc(second, 'simulation.list', {})).clockOffsetSeconds).toBe(0);
    } finally {
      await second.dispose();
    }
  });
});


