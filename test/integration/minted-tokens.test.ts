import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, type AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { codeFlow, confidentialApp, demoApp, demoConfig, userIdByEmail, type ConfidentialApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

async function adminError(promise: Promise<unknown>): Promise<AdminError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

/** "Mint a token" and "Evaluate" over the admin HTTP transport, checked with real clients against the real endpoints. */
describe('minted tokens', () => {
  let server: TestServer;
  let admin: AdminClient;
  let config: client.Configuration;
  let appId: string;
  let mia: string;
  let olivia: string;
  let rich: ConfidentialApp;

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
    config = await demoConfig(server);
    appId = demoApp(server).clientId;
    mia = await userIdByEmail(server, 'mia.member@example.test');
    olivia = await userIdByEmail(server, 'olivia.owner@example.test');
    rich = await confidentialApp(server, {
      name: 'Claims App',
      scopes: ['openid', 'profile', 'email', 'phone', 'groups', 'roles', 'read:user', 'write:members', 'admin:all'],
      grantTypes: ['authorization_code', 'refresh_token'],
      actorModes: ['self', 'app'],
    });
    await admin.users.update({ id: mia, locale: 'en-GB', phoneNumber: '+4915112345678', phoneNumberVerified: true, emailVerified: false, groups: ['support'], extraClaims: { tenant: 'acme', beta: true } });
  });
  afterAll(() => server.dispose());

  const me = (token: string) => fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

  it('mints tokens that the resource API accepts, introspect active, refresh (rotated) and stop at once on revocation', async () => {
    const minted = await admin.tokens.mint({ appId, userId: mia, scopes: ['openid', 'profile', 'read:user'] });
    expect(minted.plan).toMatchObject({ userId: mia, actor: 'self', grant: 'consent', resource: null });
    expect(minted.accessToken).toMatch(/^oc_at_/);
    expect(minted.refreshToken).toMatch(/^oc_rt_/);
    const res = await me(minted.accessToken);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ type: 'user', id: mia });

    const introspection = await client.tokenIntrospection(config, minted.accessToken);
    expect(introspection).toMatchObject({ active: true, sub: mia, client_id: appId, scope: 'openid profile read:user', actor: 'self', workspace_id: server.seed!.workspaceId });

    const { items } = await admin.tokens.list({ grantId: minted.grantId! });
    expect(items.map((t) => [t.kind, t.minted]).sort()).toEqual([
      ['access', true],
      ['refresh', true],
    ]);
    const connections = await admin.connections.list({ userId: mia });
    expect(connections.items.find((c) => c.id === minted.grantId)?.minted).toBe(true);
    const events = await admin.activity.list({ types: ['token.minted'] });
    expect(events.items[0]).toMatchObject({ clientId: appId, accountId: mia });
    expect(JSON.stringify(events.items[0])).not.toContain(minted.accessToken);

    const refreshed = await client.refreshTokenGrant(config, minted.refreshToken!);
    expect(refreshed.refresh_token).not.toBe(minted.refreshToken);
    expect((await me(refreshed.access_token)).status).toBe(200);
    const reuse = await client.refreshTokenGrant(config, minted.refreshToken!).then(
      () => 'accepted',
      (e: { error?: string }) => e.error,
    );
    expect(reuse).toBe('invalid_grant');

    const fresh = await admin.tokens.mint({ appId, userId: mia, scopes: ['read:user'] });
    await admin.tokens.revoke({ id: fresh.accessTokenId });
    expect((await me(fresh.accessToken)).status).toBe(401);
    expect((await client.tokenIntrospection(config, fresh.accessToken)).active).toBe(false);
  }, 60_000);

  it('mints for the MCP server a token bound to <issuer>/mcp that the MCP SDK client uses', async () => {
    const minted = await admin.tokens.mint({ appId, userId: mia, scopes: ['read:user'], resource: `${server.issuer}/mcp` });
    expect(minted.plan.resource).toBe(`${server.issuer}/mcp`);
    expect((await client.tokenIntrospection(config, minted.accessToken)).aud).toBe(`${server.issuer}/mcp`);
    const mcp = new Client({ name: 'minted-test', version: '1.0.0' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL('/mcp', server.issuer), { requestInit: { headers: { authorization: `Bearer ${minted.accessToken}` } } }));
    const result = (await mcp.callTool({ name: 'whoami', arguments: {} })) as { structuredContent?: Record<string, unknown> };
    expect(result.structuredContent).toMatchObject({ type: 'user', id: mia });
    await mcp.close();
    // Not for the sample REST API: another audience.
    expect((await me(minted.accessToken)).status).toBe(401);
  }, 60_000);

  it("mints the app's bot token without a user (client credentials)", async () => {
    const minted = await admin.tokens.mint({ appId, actor: 'app', scopes: ['read:user'] });
    expect(minted.plan.grant).toBe('client_credentials');
    expect(minted.refreshToken).toBeNull();
    const res = await me(minted.accessToken);
    expect(await res.json()).toMatchObject({ type: 'app', id: `bot:${appId}` });
    expect((await admin.tokens.list({ kind: 'client_credentials' })).items.find((t) => t.id === minted.accessTokenId)?.minted).toBe(true);
    const evaluation = await admin.tokens.evaluate({ appId, actor: 'app', scopes: ['read:user'] });
    const { active: _a, iat: _i, exp: _e, jti: _j, token_type: _t, ...introspected } = await client.tokenIntrospection(config, minted.accessToken);
    expect(evaluation.accessToken).toEqual(introspected);
    expect(evaluation).toMatchObject({ idToken: null, userinfo: null, refreshToken: false });
    const refused = await adminError(admin.tokens.mint({ appId, actor: 'app', scopes: ['openid'] }));
    expect(refused.fields?.[0]?.field).toBe('scopes.0');
  });

  it('issues an ID token that verifies with the JWKS and carries the released claims', async () => {
    const minted = await admin.tokens.mint({ appId: rich.clientId, userId: mia, scopes: ['openid', 'profile', 'email', 'phone', 'read:user'], resource: `${server.issuer}/api/v1` });
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/oauth/jwks`));
    const { payload } = await jwtVerify(minted.idToken!, jwks, { issuer: server.issuer, audience: rich.clientId });
    expect(payload).toMatchObject({ sub: mia, name: 'Mia Member', locale: 'en-GB', email_verified: false, phone_number: '+4915112345678', phone_number_verified: true, tenant: 'acme', beta: true });
    expect(payload.groups).toBeUndefined();
  });

  it("mints a JWT access token for a resource server that wants one, stored so that revoking it counts", async () => {
    const notes = await admin.resources.create({ identifier: 'https://notes.example.test/api', name: 'Notes API', customScopes: [{ name: 'notes:read', description: 'Read your notes' }], tokenFormat: 'jwt', accessTokenTtl: 600 });
    const minted = await admin.tokens.mint({ appId, userId: mia, scopes: ['notes:read'], resource: notes.id });
    expect(minted.plan.resource).toBe('https://notes.example.test/api');
    expect(minted.expiresIn).toBe(600);
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}/oauth/jwks`));
    const { payload, protectedHeader } = await jwtVerify(minted.accessToken, jwks, { issuer: server.issuer, audience: 'https://notes.example.test/api', typ: 'at+jwt' });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ sub: mia, scope: 'notes:read', client_id: appId, actor: 'self', workspace_id: server.seed!.workspaceId });
    // As for flow-issued JWTs, the console's inspector finds its stored record (the engine's introspection takes no JWTs).
    const inspected = await admin.tokens.inspect({ value: minted.accessToken });
    expect(inspected.token).toMatchObject({ id: minted.accessTokenId, status: 'active', minted: true });
    expect((await admin.tokens.revoke({ id: minted.accessTokenId })).revoked).toBe(1);
    expect((await admin.tokens.inspect({ value: minted.accessToken })).token!.status).toBe('revoked');
  });

  it('refuses what the consent rules refuse', async () => {
    const member = await adminError(admin.tokens.mint({ appId: rich.clientId, userId: mia, scopes: ['openid', 'write:members'] }));
    expect(member.fields).toEqual([{ field: 'scopes.1', message: expect.stringContaining('needs the ADMIN role') }]);
    const full = await adminError(admin.tokens.mint({ appId: rich.clientId, userId: mia, actor: 'app', scopes: ['admin:all'] }));
    expect(full.fields?.[0]).toMatchObject({ field: 'scopes.0', message: expect.stringContaining('OWNER') });
    expect((await admin.tokens.mint({ appId: rich.clientId, userId: olivia, scopes: ['admin:all'] })).scope).toBe('admin:all');
    const notAsked = await adminError(admin.tokens.mint({ appId, userId: mia, scopes: ['write:members'] }));
    expect(notAsked.fields?.[0]?.message).toContain("not one of the app's scopes");
    const workspace = await admin.workspaces.create({ name: 'Elsewhere' });
    const outside = await adminError(admin.tokens.mint({ appId, userId: mia, workspaceId: workspace.id }));
    expect(outside.fields).toEqual([{ field: 'workspaceId', message: 'mia.member@example.test is not a member of this workspace' }]);
    const noActor = await adminError(admin.tokens.mint({ appId: rich.clientId, actor: 'app' }));
    expect(noActor.fields?.map((f) => f.field)).toContain('userId');
    expect((await adminError(admin.tokens.mint({ appId, userId: mia, resource: 'https://nowhere.example/' }))).fields?.[0]?.field).toBe('resource');
  });

  it('evaluates exactly what a real code flow then issues', async () => {
    for (const [scope, resource] of [
      ['openid profile email phone groups roles read:user', undefined],
      ['openid profile email read:user', `${server.issuer}/api/v1`],
    ] as const) {
      const evaluation = await admin.tokens.evaluate({ appId: rich.clientId, userId: mia, scopes: scope.split(' '), ...(resource ? { resource } : {}) });
      const { tokens } = await codeFlow(server, { config: rich.config, scope, userEmail: 'mia.member@example.test', ...(resource ? { params: { resource } } : {}) });
      const idClaims = Object.fromEntries(Object.entries(tokens.claims()!).filter(([name]) => !['iat', 'exp', 'auth_time', 'nonce', 'sid', 'at_hash', 'jti'].includes(name)));
      expect(evaluation.idToken).toEqual(idClaims);
      const introspection = await client.tokenIntrospection(rich.config, tokens.access_token);
      const { active: _a, iat: _i, exp: _e, jti: _j, token_type: _t, sid: _s, ...atClaims } = introspection;
      expect(evaluation.accessToken).toEqual(atClaims);
      if (resource) {
        expect(evaluation.userinfo).toBeNull();
      } else {
        expect(evaluation.userinfo).toEqual(await client.fetchUserInfo(rich.config, tokens.access_token, mia));
        expect(evaluation.userinfo).toMatchObject({ locale: 'en-GB', phone_number: '+4915112345678', tenant: 'acme', groups: ['support'] });
      }
      expect(evaluation.refreshToken).toBe(true);
    }
    // An app whose ID tokens carry the granted claims (idTokenClaims): the same, minted and evaluated.
    await admin.apps.update({ id: rich.clientId, idTokenClaims: true });
    const scope = 'openid profile email read:user';
    const evaluation = await admin.tokens.evaluate({ appId: rich.clientId, userId: mia, scopes: scope.split(' ') });
    const { tokens } = await codeFlow(server, { config: rich.config, scope, userEmail: 'mia.member@example.test' });
    const idClaims = Object.fromEntries(Object.entries(tokens.claims()!).filter(([name]) => !['iat', 'exp', 'auth_time', 'nonce', 'sid', 'at_hash', 'jti'].includes(name)));
    expect(evaluation.idToken).toEqual(idClaims);
    expect(evaluation.idToken).toMatchObject({ name: 'Mia Member', email: 'mia.member@example.test', tenant: 'acme' });
    const minted = await admin.tokens.mint({ appId: rich.clientId, userId: mia, scopes: scope.split(' ') });
    const { payload } = await jwtVerify(minted.idToken!, createRemoteJWKSet(new URL(`${server.issuer}/oauth/jwks`)), { issuer: server.issuer, audience: rich.clientId });
    expect(payload).toMatchObject({ name: 'Mia Member', email: 'mia.member@example.test', tenant: 'acme' });
    await admin.apps.update({ id: rich.clientId, idTokenClaims: false });

    // Evaluate issues nothing.
    const before = (await admin.tokens.list({ appId: rich.clientId })).items.length;
    await admin.tokens.evaluate({ appId: rich.clientId, userId: mia, scopes: ['openid'] });
    expect((await admin.tokens.list({ appId: rich.clientId })).items.length).toBe(before);
  }, 90_000);
});
