import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInitialAccessToken } from '../../src/main/oauth/registration-gate';
import { codeFlow } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

const register = (server: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('dynamic client registration (RFC 7591)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('registers a public client that then runs a PKCE flow', async () => {
    const res = await register(server, {
      client_name: 'CLI tool',
      redirect_uris: ['http://127.0.0.1:8765/callback'],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid profile read:user offline_access',
    });
    expect(res.status).toBe(201);
    const registered = (await res.json()) as { client_id: string; client_secret?: string; registration_access_token: string };
    expect(registered.client_id).toMatch(/^oc_app_/);
    expect(registered.client_secret).toBeUndefined();
    expect(registered.registration_access_token).toMatch(/^oc_reg_/);

    const app = await server.db.selectFrom('apps').selectAll().where('id', '=', registered.client_id).executeTakeFirstOrThrow();
    expect(app.origin).toBe('dynamic');
    expect(app.client_type).toBe('public');

    const config = await client.discovery(new URL(server.issuer), registered.client_id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:user offline_access' });
    expect(tokens.access_token).toMatch(/^oc_at_/);
    const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
  });

  it('registers a confidential client whose secret is returned once and stored hashed', async () => {
    const res = await register(server, { client_name: 'Web app', redirect_uris: ['https://app.example.com/cb'], grant_types: ['authorization_code', 'client_credentials'] });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { client_id: string; client_secret: string };
    expect(body.client_secret).toMatch(/^oc_sec_/);
    const row = await server.db.selectFrom('apps').select(['secret_hash']).where('id', '=', body.client_id).executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^sha256:/);
    expect(row.secret_hash).not.toContain(body.client_secret);
    const config = await client.discovery(new URL(server.issuer), body.client_id, undefined, client.ClientSecretBasic(body.client_secret), { execute: [client.allowInsecureRequests] });
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    expect(tokens.access_token).toMatch(/^oc_cc_/);
    const wrong = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${body.client_id}:${body.client_secret}x`).toString('base64')}` },
      body: 'grant_type=client_credentials&scope=read%3Auser',
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('refuses plain-http redirect URIs outside loopback and fragments', async () => {
    for (const uri of ['http://app.example.com/cb', 'https://app.example.com/cb#frag', 'javascript:alert(1)']) {
      const res = await register(server, { redirect_uris: [uri] });
      expect(res.status, uri).toBe(400);
      const body = (await res.json()) as { error: string };
      expect(['invalid_redirect_uri', 'invalid_client_metadata']).toContain(body.error);
    }
  });

  it('answers malformed registration bodies with RFC errors, not 500', async () => {
    const bad = await fetch(`${server.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(bad.status).toBe(400);
    const wrongType = await register(server, { redirect_uris: 'https://x.example/cb' });
    expect(wrongType.status).toBe(400);
    expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(((await wrongType.json()) as { error: string }).error);
  });

  it('can be turned off, or require an initial access token', async () => {
    await server.settings.update({ registrationPolicy: 'off' });
    const off = await register(server, { redirect_uris: ['https://a.example/cb'] });
    expect(off.status).toBe(403);

    await server.settings.update({ registrationPolicy: 'initial-access-token' });
    const missing = await register(server, { redirect_uris: ['https://a.example/cb'] });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toContain('invalid_token');
    const iat = await createInitialAccessToken(server.provider);
    expect(iat).toMatch(/^oc_iat_/);
    const ok = await register(server, { redirect_uris: ['https://a.example/cb'] }, { authorization: `Bearer ${iat}` });
    expect(ok.status).toBe(201);
    await server.settings.update({ registrationPolicy: 'open' });
  });
});
