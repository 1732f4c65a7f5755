import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { authorize, codeFlow, confidentialApp, demoApp, demoConfig, type DemoApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

/** RFC 8707 resource indicators with the console's resource servers, through real clients and the real pages. */
describe('resource indicators and resource servers', () => {
  let server: TestServer;
  let admin: AdminClient;
  let config: client.Configuration;
  let demo: DemoApp;
  let api: string;
  let mcp: string;

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
    config = await demoConfig(server);
    demo = demoApp(server);
    api = `${server.issuer}/api/v1`;
    mcp = `${server.issuer}/mcp`;
  });
  afterAll(() => server.dispose());

  const me = (token: string) => fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  const introspect = (token: string) => client.tokenIntrospection(config, token);
  const tokenRequest = (params: Record<string, string>, path = '/oauth/token') =>
    fetch(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${demo.clientId}:${demo.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });

  it('seeds the sample REST API and the sample MCP server, following the issuer', async () => {
    const { items } = await admin.resources.list({});
    expect(items.slice(0, 2).map((rs) => [rs.identifier, rs.builtIn])).toEqual([
      [api, true],
      [mcp, true],
    ]);
    expect(items[0]!.scopes).toEqual(expect.arrayContaining(['read:user', 'read:organization', 'write:organization', 'read:members']));
    expect(items[0]!.metadataUrl).toBe(`${server.issuer}/.well-known/oauth-protected-resource/api/v1`);
  });

  it('binds the audience of a code-flow token to the resource asked for, and keeps it on refresh', async () => {
    const { tokens } = await codeFlow(server, { config, scope: 'openid offline_access read:user read:organization', params: { resource: api } });
    expect((await introspect(tokens.access_token)).aud).toBe(api);
    expect(tokens.scope?.split(' ').sort()).toEqual(['read:organization', 'read:user']);
    expect((await me(tokens.access_token)).status).toBe(200);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: api });
    expect((await introspect(refreshed.access_token)).aud).toBe(api);
    // Without `resource` the granted one is kept (useGrantedResource), even with openid asked for.
    const again = await client.refreshTokenGrant(config, refreshed.refresh_token!);
    expect((await introspect(again.access_token)).aud).toBe(api);
    // A resource the grant was not given for is not a target of its refresh token.
    const other = await tokenRequest({ grant_type: 'refresh_token', refresh_token: again.refresh_token!, resource: mcp });
    expect(other.status).toBe(400);
    expect(((await other.json()) as { error: string }).error).toBe('invalid_target');
  }, 60_000);

  it('answers invalid_target for a resource no resource server has', async () => {
    const { callback } = await authorize(server, { config, scope: 'openid read:user', params: { resource: 'https://unknown.example/' } });
    expect(callback.searchParams.get('error')).toBe('invalid_target');
    const res = await tokenRequest({ grant_type: 'client_credentials', scope: 'read:user', resource: 'https://unknown.example/' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_target');
  }, 60_000);

  it('refuses at the sample API a token issued for the MCP server, and accepts one issued without a resource', async () => {
    const { tokens } = await codeFlow(server, { config, scope: 'openid read:user', params: { resource: mcp } });
    expect((await introspect(tokens.access_token)).aud).toBe(mcp);
    const refused = await me(tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(((await refused.json()) as { error_description: string }).error_description).toContain(`issued for another resource (${mcp})`);

    const unbound = await codeFlow(server, { config, scope: 'openid read:user' });
    expect((await introspect(unbound.tokens.access_token)).aud).toBeUndefined();
    expect((await me(unbound.tokens.access_token)).status).toBe(200);
  }, 60_000);

  it('applies the role rule to resource scopes: a MEMBER does not grant write:members', async () => {
    const app = await confidentialApp(server, { name: 'Members tool', scopes: ['openid', 'read:members', 'write:members'] });
    const { tokens } = await codeFlow(server, { config: app.config, userEmail: 'mia.member@example.test', scope: 'openid read:members write:members', params: { resource: api } });
    expect(tokens.scope?.split(' ')).toEqual(['read:members']);
  }, 60_000);

  it('issues RFC 9068 JWT access tokens verifiable with the JWKS, refused at once after revocation', async () => {
    const builtIn = (await admin.resources.list({})).items.find((rs) => rs.identifier === api)!;
    await admin.resources.update({ id: builtIn.id, tokenFormat: 'jwt' });
    try {
      const { tokens } = await codeFlow(server, { config, scope: 'openid offline_access read:user', params: { resource: api } });
      expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(`${server.issuer}/oauth/jwks`)), { issuer: server.issuer, audience: api, typ: 'at+jwt' });
      expect(payload).toMatchObject({ client_id: demo.clientId, scope: 'read:user' });
      expect((await me(tokens.access_token)).status).toBe(200);
      // The record is stored under the jti, but the jti is not a usable token.
      expect((await me(payload.jti!)).status).toBe(401);
      const inspected = await admin.tokens.inspect({ value: tokens.access_token });
      expect(inspected).toMatchObject({ format: 'jwt', audience: api, token: { status: 'active', kind: 'access' } });

      // The engine does not take JWTs at its revocation endpoint (RFC 7009 unsupported_token_type) ...
      const refusedRevocation = await tokenRequest({ token: tokens.access_token }, '/oauth/revoke');
      expect(((await refusedRevocation.json()) as { error: string }).error).toBe('unsupported_token_type');
      // ... but every revocation that reaches its record counts at once: the console's,
      await admin.tokens.revoke({ id: inspected.token!.id });
      expect((await me(tokens.access_token)).status).toBe(401);
      expect((await admin.tokens.inspect({ value: tokens.access_token })).token!.status).toBe('revoked');
      // and the app's revocation of the refresh token, which revokes the grant and so its JWTs.
      const second = await codeFlow(server, { config, scope: 'openid offline_access read:user', params: { resource: api } });
      expect((await me(second.tokens.access_token)).status).toBe(200);
      await client.tokenRevocation(config, second.tokens.refresh_token!);
      expect((await me(second.tokens.access_token)).status).toBe(401);
    } finally {
      await admin.resources.update({ id: builtIn.id, tokenFormat: 'opaque' });
    }
  }, 60_000);

  it('honours a resource server of your own: its identifier, its own scopes, its format and its lifetime', async () => {
    const mine = await admin.resources.create({
      identifier: 'https://notes.example.test/api',
      name: 'Notes API',
      scopes: ['read:user'],
      customScopes: [{ name: 'notes:read', description: 'Read your notes' }],
      tokenFormat: 'jwt',
      accessTokenTtl: 120,
    });
    const res = await tokenRequest({ grant_type: 'client_credentials', scope: 'notes:read read:user', resource: mine.identifier });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number; scope: string };
    expect(body.expires_in).toBe(120);
    expect(body.scope.split(' ').sort()).toEqual(['notes:read', 'read:user']);
    const { payload } = await jwtVerify(body.access_token, createRemoteJWKSet(new URL(`${server.issuer}/oauth/jwks`)), { issuer: server.issuer, audience: mine.identifier });
    expect(payload.exp! - payload.iat!).toBe(120);
    // Tokens for another resource do not get into the sample API.
    expect((await me(body.access_token)).status).toBe(401);

    await admin.resources.delete({ id: mine.id });
    const gone = await tokenRequest({ grant_type: 'client_credentials', scope: 'notes:read', resource: mine.identifier });
    expect(((await gone.json()) as { error: string }).error).toBe('invalid_target');
  });

  it('shows the resource and its own scopes on the consent page, and previews the same screen', async () => {
    const calendar = await admin.resources.create({ identifier: 'https://calendar.example.test', name: 'Calendar API', customScopes: [{ name: 'calendar:read', description: 'Read your calendar' }] });
    const { tokens, pages } = await codeFlow(server, { config, scope: 'openid calendar:read', params: { resource: calendar.identifier } });
    const consent = pages.find((html) => html.includes('wants to access your account'))!;
    expect(consent).toContain('Calendar API');
    expect(consent).toContain('Read your calendar');
    expect(tokens.scope).toBe('calendar:read');
    expect((await introspect(tokens.access_token)).aud).toBe(calendar.identifier);

    const mia = (await admin.users.list({})).items.find((u) => u.email === 'mia.member@example.test')!;
    const preview = await admin.consent.preview({ appId: demo.clientId, userId: mia.id, scopes: ['openid', 'calendar:read'], resourceId: calendar.id });
    expect(preview.model.resources).toEqual([{ name: 'Calendar API', identifier: calendar.identifier }]);
    expect(preview.model.scopes.find((s) => s.name === 'calendar:read')?.description).toBe('Read your calendar');
    expect(new URL(preview.authorizationUrl).searchParams.get('resource')).toBe(calendar.identifier);
    const refused = await admin.consent.preview({ appId: demo.clientId, userId: mia.id, resourceId: 'rs_missing' }).catch((err: { fields: Array<{ field: string }> }) => err.fields);
    expect(refused).toEqual([expect.objectContaining({ field: 'resourceId' })]);
  }, 60_000);

  it('serves RFC 9728 metadata for its own resource servers, readable from other origins', async () => {
    for (const [path, resource] of [
      ['/api/v1', api],
      ['/mcp', mcp],
    ] as const) {
      const res = await fetch(`${server.issuer}/.well-known/oauth-protected-resource${path}`, { headers: { origin: 'http://localhost:6274' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const doc = (await res.json()) as Record<string, unknown>;
      expect(doc).toMatchObject({ resource, authorization_servers: [server.issuer], bearer_methods_supported: ['header'] });
      expect(doc.scopes_supported).toEqual(expect.arrayContaining(['read:user', 'read:members']));
      expect(typeof doc.resource_name).toBe('string');
    }
    const preflight = await fetch(`${server.issuer}/.well-known/oauth-protected-resource/mcp`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:6274', 'access-control-request-method': 'GET', 'access-control-request-headers': 'mcp-protocol-version' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('mcp-protocol-version');
    const unknown = await fetch(`${server.issuer}/.well-known/oauth-protected-resource/elsewhere`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('not_found');
  });

  it('uses the resource server lifetime for code-flow tokens too, and the setting when it has none', async () => {
    const builtIn = (await admin.resources.list({})).items.find((rs) => rs.identifier === mcp)!;
    await admin.resources.update({ id: builtIn.id, accessTokenTtl: 300 });
    try {
      const bound = await codeFlow(server, { config, scope: 'openid read:user', params: { resource: mcp } });
      expect(bound.tokens.expires_in).toBe(300);
      const unbound = await codeFlow(server, { config, scope: 'openid read:user' });
      expect(unbound.tokens.expires_in).toBe(86400);
    } finally {
      await admin.resources.update({ id: builtIn.id, accessTokenTtl: null });
    }
  }, 60_000);
});
