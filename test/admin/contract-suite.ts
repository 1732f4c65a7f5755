import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main/server/server';
import { AdminError, type AdminClient } from '../../src/shared/contract';
import { codeFlow, demoApp, discover, DEMO_REDIRECT, userIdByEmail, type DemoApp } from '../helpers/flows';
import { FormAgent, formAction, hiddenValue } from '../helpers/form-agent';
import { TEST_DIALECT } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';

export interface ContractTarget {
  client: AdminClient;
  close?(): void;
}

/** Runs `promise` and returns the AdminError it rejects with. */
export async function adminError(promise: Promise<unknown>): Promise<AdminError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AdminError);
    return err as AdminError;
  }
  throw new Error('expected the call to fail');
}

export async function clientCredentials(server: RunningServer, clientId: string, secret: string): Promise<Response> {
  return fetch(`${server.issuer}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
}

export async function introspect(server: RunningServer, app: DemoApp, token: string): Promise<{ active: boolean }> {
  const res = await fetch(`${server.issuer}/oauth/introspect`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
  return (await res.json()) as { active: boolean };
}

/** Scope names and ✓/✕ marks of a rendered consent page. */
function consentScopes(html: string): Array<{ name: string; grantable: boolean }> {
  return [...html.matchAll(/<span class="oc-(tick|cross)"[^>]*>.*?<span class="oc-scope-name">([^<]+)<\/span>/gs)].map((m) => ({ name: m[2]!, grantable: m[1] === 'tick' }));
}

/**
 * The admin contract's behaviour, run over a transport: the same tests for
 * HTTP (web console, scripts) and IPC (desktop window).
 */
export function contractSuite(transport: string, connect: (server: TestServer) => ContractTarget): void {
  describe(`the admin contract over ${transport}`, () => {
    let server: TestServer;
    let admin: AdminClient;
    let target: ContractTarget;
    let demo: DemoApp;
    let workspaceId: string;
    let config: client.Configuration;

    beforeAll(async () => {
      server = await startTestServer();
      demo = demoApp(server);
      workspaceId = server.seed!.workspaceId;
      target = connect(server);
      admin = target.client;
      config = await discover(server, demo.clientId, demo.clientSecret);
    });
    afterAll(async () => {
      target.close?.();
      await server.dispose();
    });

    it('server.status describes the running server', async () => {
      const status = await admin.server.status();
      expect(status.issuer).toBe(server.issuer);
      expect(status.port).toBe(server.port);
      expect(status.schemaVersion).toBe(status.latestSchemaVersion);
      expect(status.dataDir).toBe(server.dataDir);
      // On PostgreSQL the key is given at start (the instances share it); the test helper gives one.
      expect(status.masterKeyKind).toBe(TEST_DIALECT === 'postgres' ? 'provided' : 'file');
      expect(status.counts).toMatchObject({ workspaces: 1, users: 3 });
      expect(status.signingKeys.filter((k) => k.status === 'active').map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
      expect(status.uptimeSeconds).toBeGreaterThanOrEqual(0);
    });

    it('answers bad input with a structured error naming each field', async () => {
      const bad = await adminError(
        admin.apps.create({ workspaceId, name: '', scopes: ['openid', 'admin:everything'], redirectUris: ['http://example.com/cb'], bogus: 1 } as never),
      );
      expect(bad.code).toBe('invalid_input');
      expect(bad.fields.map((f) => f.field).sort()).toEqual(['bogus', 'name', 'redirectUris.0', 'scopes.1']);
      expect(bad.fieldMessage('redirectUris.0')).toMatch(/https/);
      expect(bad.fieldMessage('scopes.1')).toMatch(/^unknown scope \(known: openid, /);

      expect((await adminError(admin.apps.get({} as never))).fields[0]!.field).toBe('id');
      expect((await adminError(admin.apps.list({ limit: 0 }))).fields[0]!.field).toBe('limit');
      expect((await adminError(admin.tokens.inspect({}))).fields[0]!.field).toBe('id');
      expect((await adminError(admin.tokens.revokeAll({ appId: 'a', userId: 'b' }))).fields[0]!.field).toBe('appId');
      expect((await adminError(admin.call('apps.list', 'not an object' as never))).code).toBe('invalid_input');

      const missing = await adminError(admin.apps.get({ id: 'oc_app_missing' }));
      expect(missing.code).toBe('not_found');
      expect(missing.fields).toEqual([{ field: 'id', message: 'no such app' }]);

      const unknown = await adminError(admin.call('apps.explode' as never, {} as never));
      expect(unknown.code).toBe('unknown_procedure');

      const cursor = await adminError(admin.tokens.list({ cursor: 'garbage' }));
      expect(cursor.code).toBe('invalid_input');
      expect(cursor.fields[0]!.field).toBe('cursor');
    });

    it('creates, reads, updates, rotates and deletes an app', async () => {
      const created = await admin.apps.create({
        workspaceId,
        name: 'Contract App',
        description: 'made by the contract suite',
        redirectUris: ['https://contract.example/cb', 'com.example.contract:/cb'],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        scopes: ['openid', 'read:user', 'read:organization'],
        actorModes: ['self', 'app'],
      });
      expect(created.clientSecret).toMatch(/^oc_sec_/);
      expect(created.app).toMatchObject({ name: 'Contract App', clientType: 'confidential', origin: 'console', consentPolicy: null, effectiveConsentPolicy: 'prompt' });
      expect(created.app.secretHint).toBe(created.clientSecret!.slice(-4));
      expect(JSON.stringify(created.app)).not.toContain(created.clientSecret);
      const id = created.app.id;
      expect((await clientCredentials(server, id, created.clientSecret!)).status).toBe(200);

      const got = await admin.apps.get({ id });
      expect(got.redirectUris).toEqual(['https://contract.example/cb', 'com.example.contract:/cb']);
      expect(got.stats.activeTokens).toBe(1);
      expect((await admin.apps.list({ search: 'contract app' })).items.map((a) => a.id)).toContain(id);

      const updated = await admin.apps.update({ id, name: 'Contract App 2', redirectUris: ['http://localhost:7000/cb'], environment: 'staging' });
      expect(updated).toMatchObject({ name: 'Contract App 2', redirectUris: ['http://localhost:7000/cb'], environment: 'staging', description: 'made by the contract suite' });
      const shape = await adminError(admin.apps.update({ id, grantTypes: ['refresh_token'] }));
      expect(shape.code).toBe('invalid_input');
      expect(shape.fields.map((f) => f.field)).toContain('grantTypes');
      const uri = await adminError(admin.apps.update({ id, redirectUris: ['https://a.example/cb#frag'] }));
      expect(uri.fields[0]).toMatchObject({ field: 'redirectUris.0', message: expect.stringMatching(/fragment/) });

      const policy = await admin.apps.setConsentPolicy({ id, consentPolicy: 'auto-approve' });
      expect(policy).toMatchObject({ consentPolicy: 'auto-approve', effectiveConsentPolicy: 'auto-approve' });

      const rotated = await admin.apps.rotateSecret({ id });
      expect(rotated.clientSecret).toMatch(/^oc_sec_/);
      expect(rotated.clientSecret).not.toBe(created.clientSecret);
      expect(rotated.app.secretRotatedAt).not.toBeNull();
      expect((await clientCredentials(server, id, created.clientSecret!)).status).toBe(401);
      expect((await clientCredentials(server, id, rotated.clientSecret!)).status).toBe(200);

      const removed = await admin.apps.delete({ id });
      expect(removed.deleted).toBe(true);
      expect(removed.revokedTokens).toBeGreaterThanOrEqual(1);
      expect((await adminError(admin.apps.get({ id }))).code).toBe('not_found');
      expect((await clientCredentials(server, id, rotated.clientSecret!)).status).toBe(401);
    });

    it('stores, shows and checks the PKCE policy and the one-live-token option', async () => {
      const confidential = await admin.apps.create({ workspaceId, name: 'Policy App', redirectUris: [DEMO_REDIRECT], scopes: ['openid'] });
      expect(confidential.app).toMatchObject({ pkcePolicy: 'optional', singleLiveToken: false });
      const managed = await admin.apps.update({ id: confidential.app.id, pkcePolicy: 'managed', singleLiveToken: true });
      expect(managed).toMatchObject({ pkcePolicy: 'managed', singleLiveToken: true });
      expect((await admin.apps.get({ id: managed.id })).pkcePolicy).toBe('managed');

      const spa = await admin.apps.create({ workspaceId, name: 'Policy SPA', clientType: 'public', redirectUris: [DEMO_REDIRECT], scopes: ['openid'], singleLiveToken: true });
      expect(spa.app).toMatchObject({ pkcePolicy: 'required', singleLiveToken: true });
      const refusedCreate = await adminError(admin.apps.create({ workspaceId, name: 'Bad SPA', clientType: 'public', redirectUris: [DEMO_REDIRECT], scopes: ['openid'], pkcePolicy: 'managed' }));
      expect(refusedCreate.fields.map((f) => f.field)).toEqual(['pkcePolicy']);
      const refusedUpdate = await adminError(admin.apps.update({ id: spa.app.id, pkcePolicy: 'optional' }));
      expect(refusedUpdate).toMatchObject({ code: 'invalid_input', fields: [{ field: 'pkcePolicy', message: expect.stringMatching(/public/) }] });
      expect((await adminError(admin.apps.update({ id: spa.app.id, pkcePolicy: 'often' as never }))).fields[0]!.field).toBe('pkcePolicy');
    });

    it('refuses to rotate the secret of a public app', async () => {
      const { app, clientSecret } = await admin.apps.create({ workspaceId, name: 'Public CLI', clientType: 'public', redirectUris: ['http://127.0.0.1:9999/cb'], scopes: ['openid'] });
      expect(clientSecret).toBeNull();
      expect(app.tokenEndpointAuthMethod).toBe('none');
      const err = await adminError(admin.apps.rotateSecret({ id: app.id }));
      expect(err.code).toBe('conflict');
    });

    it('lists apps with filters and keyset paging', async () => {
      const ws = await admin.workspaces.create({ name: 'Paging Workspace' });
      for (const name of ['Alpha', 'Beta', 'Gamma']) {
        await admin.apps.create({ workspaceId: ws.id, name, redirectUris: ['https://paging.example/cb'], scopes: ['openid'], environment: name === 'Beta' ? 'production' : 'development' });
      }
      const first = await admin.apps.list({ workspaceId: ws.id, limit: 2 });
      expect(first.items.map((a) => a.name)).toEqual(['Gamma', 'Beta']);
      expect(first.nextCursor).not.toBeNull();
      const second = await admin.apps.list({ workspaceId: ws.id, limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((a) => a.name)).toEqual(['Alpha']);
      expect(second.nextCursor).toBeNull();
      expect((await admin.apps.list({ workspaceId: ws.id, environment: 'production' })).items.map((a) => a.name)).toEqual(['Beta']);
      expect((await admin.apps.list({ origin: 'seed' })).items.map((a) => a.id)).toEqual([demo.clientId]);
    });

    it('manages workspaces, users and memberships, and keeps one OWNER per workspace', async () => {
      const ws = await admin.workspaces.create({ name: 'Acme Staging' });
      expect(ws).toMatchObject({ slug: 'acme-staging', memberCount: 0, appCount: 0 });
      expect((await admin.workspaces.create({ name: 'Acme Staging' })).slug).toBe('acme-staging-2');
      const taken = await adminError(admin.workspaces.create({ name: 'Other', slug: 'acme-staging' }));
      expect(taken).toMatchObject({ code: 'conflict', fields: [{ field: 'slug', message: expect.any(String) }] });
      expect((await admin.workspaces.update({ id: ws.id, name: 'Acme QA' })).name).toBe('Acme QA');

      const user = await admin.users.create({ email: 'Quinn.QA@Example.test', name: 'Quinn QA', groups: ['qa'] });
      expect(user).toMatchObject({ email: 'quinn.qa@example.test', groups: ['qa'], memberships: [] });
      expect((await adminError(admin.users.create({ email: 'quinn.qa@example.test', name: 'Again' }))).fields[0]!.field).toBe('email');
      expect((await adminError(admin.users.create({ email: 'not-an-email', name: 'X' }))).fields[0]!.field).toBe('email');
      expect((await admin.users.update({ id: user.id, name: 'Quinn Q.' })).name).toBe('Quinn Q.');

      const owner = await admin.memberships.create({ workspaceId: ws.id, userId: user.id, role: 'OWNER' });
      expect(owner).toMatchObject({ workspaceName: 'Acme QA', userEmail: 'quinn.qa@example.test', role: 'OWNER' });
      expect((await adminError(admin.memberships.create({ workspaceId: ws.id, userId: user.id, role: 'ADMIN' }))).code).toBe('conflict');
      expect((await adminError(admin.memberships.update({ workspaceId: ws.id, userId: user.id, role: 'MEMBER' }))).fields[0]!.field).toBe('role');
      expect((await adminError(admin.memberships.remove({ workspaceId: ws.id, userId: user.id }))).code).toBe('conflict');
      expect((await adminError(admin.users.remove({ id: user.id }))).code).toBe('conflict');

      const second = await admin.users.create({ email: 'olga.owner2@example.test', name: 'Olga' });
      await admin.memberships.create({ workspaceId: ws.id, userId: second.id, role: 'OWNER' });
      expect((await admin.memberships.update({ workspaceId: ws.id, userId: user.id, role: 'ADMIN' })).role).toBe('ADMIN');
      expect((await admin.memberships.list({ workspaceId: ws.id })).items.map((m) => m.role).sort()).toEqual(['ADMIN', 'OWNER']);
      expect((await admin.users.list({ workspaceId: ws.id })).items).toHaveLength(2);
      expect((await admin.users.list({ search: 'quinn' })).items[0]!.memberships).toEqual([{ workspaceId: ws.id, workspaceName: 'Acme QA', role: 'ADMIN' }]);
      expect(await admin.memberships.remove({ workspaceId: ws.id, userId: user.id })).toEqual({ removed: true });
      expect(await admin.users.remove({ id: user.id })).toMatchObject({ removed: true });

      await admin.apps.create({ workspaceId: ws.id, name: 'Doomed', redirectUris: ['https://doomed.example/cb'], scopes: ['openid'] });
      expect((await admin.workspaces.list({ search: 'acme qa' })).items[0]).toMatchObject({ memberCount: 1, appCount: 1 });
      expect(await admin.workspaces.remove({ id: ws.id })).toMatchObject({ removed: true, removedApps: 1 });
      expect((await admin.workspaces.list()).items.map((w) => w.id)).not.toContain(ws.id);
      expect((await adminError(admin.workspaces.remove({ id: ws.id }))).code).toBe('not_found');
    });

    it('creates workspace API keys shown once, lists hints only, and revokes them', async () => {
      const created = await admin.apiKeys.create({ workspaceId, name: 'CI' });
      expect(created.key).toMatch(/^oc_key_/);
      expect(created.apiKey).toMatchObject({ name: 'CI', hint: created.key.slice(-4), revokedAt: null });
      const listed = await admin.apiKeys.list({ workspaceId });
      expect(listed.items.map((k) => k.id)).toContain(created.apiKey.id);
      expect(JSON.stringify(listed)).not.toContain(created.key);
      const revoked = await admin.apiKeys.revoke({ id: created.apiKey.id });
      expect(revoked.revokedAt).not.toBeNull();
      expect((await admin.apiKeys.list({ workspaceId })).items.map((k) => k.id)).not.toContain(created.apiKey.id);
      expect((await admin.apiKeys.list({ workspaceId, includeRevoked: true })).items.map((k) => k.id)).toContain(created.apiKey.id);
      expect((await adminError(admin.apiKeys.create({ workspaceId: 'ws_missing', name: 'x' }))).fields[0]!.field).toBe('workspaceId');
    });

    it('lists, inspects and revokes the codes, tokens and connections of a real flow', async () => {
      const mia = await userIdByEmail(server, 'mia.member@example.test');
      const { tokens } = await codeFlow(server, { config, userEmail: 'mia.member@example.test', scope: 'openid profile email offline_access read:user' });

      const listed = await admin.tokens.list({ userId: mia });
      expect(listed.items.map((t) => t.kind).sort()).toEqual(['access', 'code', 'refresh']);
      expect(listed.items.every((t) => t.appId === demo.clientId && t.appName === 'Demo App' && t.userEmail === 'mia.member@example.test')).toBe(true);
      expect((await admin.tokens.list({ userId: mia, kind: 'code' })).items[0]!.status).toBe('consumed');
      expect((await admin.tokens.list({ userId: mia, status: 'active' })).items.map((t) => t.kind).sort()).toEqual(['access', 'refresh']);

      const access = await admin.tokens.inspect({ value: tokens.access_token });
      expect(access).toMatchObject({ format: 'opaque', prefixKind: 'access token', token: { kind: 'access', status: 'active', userId: mia, scopes: expect.arrayContaining(['read:user']) } });
      expect(JSON.stringify(access)).not.toContain(tokens.access_token);
      const byId = await admin.tokens.inspect({ id: access.token!.id });
      expect(byId.token!.id).toBe(access.token!.id);

      const idToken = await admin.tokens.inspect({ value: tokens.id_token! });
      expect(idToken.format).toBe('jwt');
      expect(idToken.jwt!.signature).toMatchObject({ verified: true, keyStatus: 'active', problem: null });
      const claims = Object.fromEntries(idToken.jwt!.claims.map((c) => [c.name, c.explanation]));
      expect(claims.iss).toContain('This server.');
      expect(claims.sub).toContain('mia.member@example.test');
      expect(claims.aud).toContain('Demo App');
      expect(claims.exp).toMatch(/^Expires \d{4}-/);

      const unknown = await admin.tokens.inspect({ value: 'oc_at_not-a-real-token' });
      expect(unknown).toMatchObject({ token: null, prefixKind: 'access token' });
      expect(unknown.notes[0]).toMatch(/No stored access token/);
      const secret = await admin.tokens.inspect({ value: demo.clientSecret });
      expect(secret.notes[0]).toMatch(/client secret/);
      expect(JSON.stringify(secret)).not.toContain(demo.clientSecret);
      const forged = await admin.tokens.inspect({ value: `${tokens.id_token!.slice(0, -6)}AAAAAA` });
      expect(forged.jwt!.signature.verified).toBe(false);

      const connections = await admin.connections.list({ userId: mia });
      expect(connections.items).toHaveLength(1);
      const connection = connections.items[0]!;
      expect(connection).toMatchObject({ appId: demo.clientId, appName: 'Demo App', userEmail: 'mia.member@example.test', workspaceName: 'Demo Workspace', actor: 'self', activeTokens: 2 });
      expect(connection.scopes).toEqual(expect.arrayContaining(['openid', 'email', 'read:user']));
      expect(connection.lastUsedAt).not.toBeNull();

      expect(await admin.tokens.revoke({ id: access.token!.id })).toEqual({ revoked: 1 });
      expect(await admin.tokens.revoke({ id: access.token!.id })).toEqual({ revoked: 0 });
      expect((await introspect(server, demo, tokens.access_token)).active).toBe(false);
      expect((await admin.tokens.inspect({ value: tokens.access_token })).token!.status).toBe('revoked');

      expect((await admin.connections.revoke({ id: connection.id })).revokedTokens).toBe(1);
      await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
      expect((await admin.connections.list({ userId: mia })).items).toHaveLength(0);
      expect((await admin.connections.list({ userId: mia, status: 'revoked' })).items[0]!.revokedAt).not.toBeNull();
      expect((await adminError(admin.connections.revoke({ id: 'f'.repeat(64) }))).code).toBe('not_found');
    });

    it('returns the activity log, filters it and follows it with afterId', async () => {
      await server.activity.flush();
      const { latestId } = await admin.activity.list({ limit: 1 });
      await admin.apps.create({ workspaceId, name: 'Logged App', redirectUris: ['https://logged.example/cb'], scopes: ['openid'] });
      await admin.settings.update({ idTokenTtl: 1800 });
      await server.activity.flush();
      const after = await admin.activity.list({ afterId: latestId });
      expect(after.items.map((e) => e.type)).toEqual(['app.created', 'settings.updated']);
      expect(after.items[0]!.detail).toMatchObject({ via: 'console', name: 'Logged App' });
      expect(after.latestId).toBe(after.items.at(-1)!.id);
      expect(after.nextBeforeId).toBeNull();
      expect((await admin.activity.list({ afterId: after.latestId })).items).toEqual([]);

      const apps = await admin.activity.list({ types: ['app.'] });
      expect(apps.items.length).toBeGreaterThan(0);
      expect(apps.items.every((e) => e.type.startsWith('app.'))).toBe(true);
      const page = await admin.activity.list({ limit: 2 });
      expect(page.items[0]!.id).toBeGreaterThan(page.items[1]!.id);
      const older = await admin.activity.list({ limit: 2, beforeId: page.nextBeforeId! });
      expect(older.items[0]!.id).toBeLessThan(page.items[1]!.id);
      expect((await admin.activity.list({ search: 'Logged App' })).items.map((e) => e.type)).toContain('app.created');
    });

    it('changes settings that apply without a restart', async () => {
      const before = await admin.settings.get();
      expect(before).toMatchObject({ accessTokenTtl: 86400, consentPolicy: 'prompt', registrationWorkspaceId: workspaceId });
      expect(await admin.settings.update({ clientCredentialsTtl: 600 })).toMatchObject({ clientCredentialsTtl: 600 });
      const res = await clientCredentials(server, demo.clientId, demo.clientSecret);
      expect(((await res.json()) as { expires_in: number }).expires_in).toBeLessThanOrEqual(600);
      await admin.settings.update({ clientCredentialsTtl: before.clientCredentialsTtl });

      const bad = await adminError(admin.settings.update({ accessTokenTtl: 0, consentPolicy: 'maybe' as never }));
      expect(bad.fields.map((f) => f.field).sort()).toEqual(['accessTokenTtl', 'consentPolicy']);
      expect((await adminError(admin.settings.update({ registrationWorkspaceId: 'ws_missing' }))).fields[0]!.field).toBe('registrationWorkspaceId');
      expect(await admin.settings.get()).toEqual(before);
    });

    it('issues initial access tokens for dynamic registration', async () => {
      await admin.settings.update({ registrationPolicy: 'initial-access-token' });
      const register = (token?: string) =>
        fetch(`${server.issuer}/oauth/register`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:5555/cb'], client_name: 'Registered', token_endpoint_auth_method: 'none' }),
        });
      expect((await register()).status).toBe(401);
      const issued = await admin.registration.createInitialAccessToken({ expiresIn: 600 });
      expect(issued.token).toMatch(/^oc_iat_/);
      expect(issued.registrationEndpoint).toBe(`${server.issuer}/oauth/register`);
      expect((await register(issued.token)).status).toBe(201);
      await admin.settings.update({ registrationPolicy: 'open' });
    });

    it('previews the consent screen exactly as the real authorization request shows it', async () => {
      const { app } = await admin.apps.create({ workspaceId, name: 'Preview App', redirectUris: [DEMO_REDIRECT], scopes: ['openid', 'read:user', 'admin:organization'] });
      const mia = await userIdByEmail(server, 'mia.member@example.test');
      const preview = await admin.consent.preview({ appId: app.id, userId: mia });
      expect(preview.model).toMatchObject({ preview: true, app: { name: 'Preview App', clientId: app.id }, user: { email: 'mia.member@example.test' }, selectedWorkspaceId: workspaceId });
      expect(preview.model.scopes.find((s) => s.name === 'admin:organization')).toMatchObject({ grantable: false, note: expect.stringMatching(/ADMIN/) });
      expect(preview.effectiveConsentPolicy).toBe('prompt');
      const url = new URL(preview.authorizationUrl);
      expect(url.origin + url.pathname).toBe(`${server.issuer}/oauth/authorize`);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');

      const agent = new FormAgent();
      const origin = new URL(server.issuer).origin;
      let step = await agent.follow(preview.authorizationUrl, origin);
      let html = await step.res!.text();
      step = await agent.postForm(new URL(formAction(html), step.url).toString(), origin, { csrf: hiddenValue(html, 'csrf'), user_id: mia }, { origin });
      html = await step.res!.text();
      expect(html).toContain('wants to access your account');
      expect(consentScopes(html)).toEqual(preview.model.scopes.map((s) => ({ name: s.name, grantable: s.grantable })));

    }, 60_000);

    it('refuses a consent preview that reality would refuse', async () => {
      const mia = await userIdByEmail(server, 'mia.member@example.test');
      const err = await adminError(admin.consent.preview({ appId: demo.clientId, userId: mia, scopes: ['openid', 'write:members'], redirectUri: 'https://elsewhere.example/cb', workspaceId: 'ws_other' }));
      expect(err.code).toBe('invalid_input');
      expect(err.fields.map((f) => f.field).sort()).toEqual(['redirectUri', 'scopes.1', 'workspaceId']);
      expect((await adminError(admin.consent.preview({ appId: 'oc_app_missing', userId: mia }))).fields[0]!.field).toBe('appId');
    });

    it('creates, reads, updates and deletes resource servers; the built-in ones follow the issuer and stay', async () => {
      const { items } = await admin.resources.list({});
      const builtIn = items.filter((rs) => rs.builtIn);
      expect(builtIn.map((rs) => rs.identifier)).toEqual([`${server.issuer}/api/v1`, `${server.issuer}/mcp`]);
      expect(builtIn[1]!.metadata).toEqual({
        resource: `${server.issuer}/mcp`,
        authorization_servers: [server.issuer],
        scopes_supported: builtIn[1]!.scopes,
        bearer_methods_supported: ['header'],
        resource_name: builtIn[1]!.name,
      });

      const created = await admin.resources.create({ identifier: 'https://calendar.example.test/v2', name: 'Calendar', scopes: ['read:user'], customScopes: [{ name: 'calendar:write', description: 'Change your calendar' }] });
      expect(created).toMatchObject({ builtIn: false, tokenFormat: 'opaque', accessTokenTtl: null, metadataUrl: 'https://calendar.example.test/.well-known/oauth-protected-resource/v2' });
      expect(created.metadata.scopes_supported).toEqual(['read:user', 'calendar:write']);
      expect(await admin.resources.get({ id: created.id })).toEqual(created);
      expect((await admin.resources.list({ search: 'calend' })).items.map((rs) => rs.id)).toEqual([created.id]);

      const updated = await admin.resources.update({ id: created.id, name: 'Calendar v2', tokenFormat: 'jwt', accessTokenTtl: 600 });
      expect(updated).toMatchObject({ name: 'Calendar v2', tokenFormat: 'jwt', accessTokenTtl: 600 });
      const renamedBuiltIn = await admin.resources.update({ id: builtIn[0]!.id, name: 'Sample API (renamed)' });
      expect(renamedBuiltIn.identifier).toBe(`${server.issuer}/api/v1`);

      const activity = await admin.activity.list({ types: ['resource.'] });
      expect(activity.items.map((e) => e.type)).toEqual(expect.arrayContaining(['resource.created', 'resource.updated']));
      expect(await admin.resources.delete({ id: created.id })).toEqual({ deleted: true });
      expect((await adminError(admin.resources.get({ id: created.id }))).code).toBe('not_found');
      await admin.resources.update({ id: builtIn[0]!.id, name: builtIn[0]!.name });
    });

    it('refuses bad resource servers with field errors', async () => {
      const fieldsOf = async (promise: Promise<unknown>) => (await adminError(promise)).fields.map((f) => f.field).sort();
      expect(
        await fieldsOf(
          admin.resources.create({
            identifier: 'http://api.example.test/#frag',
            name: '',
            scopes: ['openid', 'nope'],
            customScopes: [{ name: 'has space', description: '' }],
            tokenFormat: 'paseto' as 'jwt',
            accessTokenTtl: 0,
          }),
        ),
      ).toEqual(['accessTokenTtl', 'customScopes.0.description', 'customScopes.0.name', 'identifier', 'name', 'scopes.0', 'scopes.1', 'tokenFormat']);
      const http = await adminError(admin.resources.create({ identifier: 'http://api.example.test/v1', name: 'Plain http', scopes: ['read:user'] }));
      expect(http.fields[0]).toEqual({ field: 'identifier', message: expect.stringMatching(/https/) });
      // An API that needs only a valid token for its audience: no scopes, and its metadata advertises none.
      const audienceOnly = await admin.resources.create({ identifier: 'https://empty.example.test', name: 'No scopes' });
      expect({ scopes: audienceOnly.scopes, customScopes: audienceOnly.customScopes, advertised: audienceOnly.metadata.scopes_supported }).toEqual({ scopes: [], customScopes: [], advertised: [] });
      await admin.resources.delete({ id: audienceOnly.id });
      expect(await fieldsOf(admin.resources.create({ identifier: 'https://dup.example.test', name: 'Dup', customScopes: [{ name: 'read:user', description: 'again' }] }))).toEqual(['customScopes.0.name']);
      const taken = await adminError(admin.resources.create({ identifier: `${server.issuer}/mcp`, name: 'Another MCP', scopes: ['read:user'] }));
      expect(taken).toMatchObject({ code: 'conflict', fields: [{ field: 'identifier' }] });

      const builtIn = (await admin.resources.list({})).items.find((rs) => rs.builtIn)!;
      expect(await fieldsOf(admin.resources.update({ id: builtIn.id, identifier: 'https://moved.example.test' }))).toEqual(['identifier']);
      expect(await fieldsOf(admin.resources.update({ id: builtIn.id, scopes: ['read:user', 'read:user'] }))).toEqual(['scopes.1']);
      expect((await adminError(admin.resources.delete({ id: builtIn.id }))).code).toBe('conflict');
      expect((await adminError(admin.resources.update({ id: 'rs_missing', name: 'x' }))).code).toBe('not_found');
    });

    it('rotates signing keys: new tokens are signed with the new key, earlier ones still verify', async () => {
      const before = await codeFlow(server, { config, userEmail: 'adam.admin@example.test', scope: 'openid read:user' });
      const oldKid = decodeProtectedHeader(before.tokens.id_token!).kid;
      const rotated = await admin.server.rotateKeys();
      expect(rotated.activeKids).toHaveLength(2);
      expect(rotated.activeKids).not.toContain(oldKid);
      expect(rotated.signingKeys.find((k) => k.kid === oldKid)?.status).toBe('retired');

      const after = await codeFlow(server, { config: await discover(server, demo.clientId, demo.clientSecret), userEmail: 'adam.admin@example.test', scope: 'openid read:user' });
      const newKid = decodeProtectedHeader(after.tokens.id_token!).kid;
      expect(rotated.activeKids).toContain(newKid);
      const jwks = (await (await fetch(`${server.issuer}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
      expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, newKid]));

      const old = await admin.tokens.inspect({ value: before.tokens.id_token! });
      expect(old.jwt!.signature).toMatchObject({ verified: true, keyStatus: 'retired' });
      const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${before.tokens.access_token}` } });
      expect(me.status).toBe(200);
      expect((await admin.server.status()).signingKeys.filter((k) => k.status === 'active').map((k) => k.kid).sort()).toEqual([...rotated.activeKids].sort());
    }, 60_000);
  });
}
