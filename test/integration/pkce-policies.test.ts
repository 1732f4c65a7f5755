import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PkcePolicy } from '../../src/shared/contract/apps';
import { insertApp } from '../../src/main/store/apps-store';
import { sha256Hex } from '../../src/main/secrets/crypto';
import { authorize, codeFlow, confidentialApp, DEMO_REDIRECT, type ConfidentialApp } from '../helpers/flows';
import { FormAgent } from '../helpers/form-agent';
import { startTestServer, type TestServer } from '../helpers/server';

type TestApp = ConfidentialApp;

describe('PKCE policies per app (seed 000)', () => {
  let server: TestServer;
  const apps = {} as Record<PkcePolicy | 'managed2', TestApp>;

  const addApp = (name: string, pkcePolicy: PkcePolicy) => confidentialApp(server, { name, scopes: ['openid', 'read:user'], pkcePolicy });

  /** A raw token request, so the test decides exactly which parameters are sent. */
  const exchange = async (app: TestApp, code: string, codeVerifier?: string) => {
    const res = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: DEMO_REDIRECT, ...(codeVerifier ? { code_verifier: codeVerifier } : {}) }).toString(),
    });
    return { status: res.status, body: (await res.json()) as { access_token?: string; error?: string; error_description?: string } };
  };

  const codeOf = (callback: URL) => {
    const code = callback.searchParams.get('code');
    if (!code) throw new Error(`no code in ${callback.toString()}`);
    return code;
  };

  const storedChallenge = async (code: string) => {
    const row = await server.db.selectFrom('oidc_models').select('payload').where('kind', '=', 'AuthorizationCode').where('id', '=', sha256Hex(code)).executeTakeFirstOrThrow();
    return (JSON.parse(row.payload) as { codeChallenge?: string }).codeChallenge;
  };

  beforeAll(async () => {
    server = await startTestServer({ consentPolicy: 'auto-approve' });
    apps.required = await addApp('Required PKCE', 'required');
    apps.optional = await addApp('Optional PKCE', 'optional');
    apps.managed = await addApp('Managed PKCE', 'managed');
    apps.managed2 = await addApp('Another managed app', 'managed');
  });
  afterAll(() => server.dispose());

  describe('required', () => {
    it('refuses an authorization request without code_challenge', async () => {
      const url = client.buildAuthorizationUrl(apps.required.config, { redirect_uri: DEMO_REDIRECT, scope: 'openid', state: 'st' });
      const res = await fetch(url, { redirect: 'manual' });
      expect(res.status).toBe(303);
      const location = new URL(res.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(DEMO_REDIRECT);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
    });

    it('completes with S256 and refuses the plain method', async () => {
      const { tokens } = await codeFlow(server, { config: apps.required.config, scope: 'openid read:user' });
      expect(tokens.access_token).toMatch(/^oc_at_/);
      const url = client.buildAuthorizationUrl(apps.required.config, { redirect_uri: DEMO_REDIRECT, scope: 'openid', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' });
      const res = await fetch(url, { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    });
  });

  describe('optional', () => {
    it('completes without PKCE and with PKCE, and checks a verifier that was promised', async () => {
      const without = await codeFlow(server, { config: apps.optional.config, scope: 'openid read:user', pkce: false });
      expect(without.tokens.access_token).toMatch(/^oc_at_/);
      const withPkce = await codeFlow(server, { config: apps.optional.config, scope: 'openid read:user' });
      expect(withPkce.tokens.access_token).toMatch(/^oc_at_/);

      const promised = await authorize(server, { config: apps.optional.config, scope: 'openid' });
      expect((await exchange(apps.optional, codeOf(promised.callback))).body.error).toBe('invalid_grant');
    });

    it('makes no challenge for the client', async () => {
      const { callback } = await authorize(server, { config: apps.optional.config, scope: 'openid', pkce: false });
      expect(await storedChallenge(codeOf(callback))).toBeUndefined();
    });
  });

  describe('managed', () => {
    it('completes without the client sending PKCE: the code carries a challenge the server made', async () => {
      const { callback, state } = await authorize(server, { config: apps.managed.config, scope: 'openid read:user', pkce: false });
      const code = codeOf(callback);
      const challenge = await storedChallenge(code);
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const made = await server.db.selectFrom('managed_pkce').selectAll().where('challenge', '=', challenge!).executeTakeFirstOrThrow();
      expect(made.client_id).toBe(apps.managed.clientId);

      const tokens = await client.authorizationCodeGrant(apps.managed.config, callback, { expectedState: state });
      expect(tokens.access_token).toMatch(/^oc_at_/);
      const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(me.status).toBe(200);
    });

    it('refuses a replayed code', async () => {
      const { callback } = await authorize(server, { config: apps.managed.config, scope: 'openid', pkce: false });
      const code = codeOf(callback);
      expect((await exchange(apps.managed, code)).status).toBe(200);
      const replay = await exchange(apps.managed, code);
      expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    it('refuses a forged verifier, a forged code and another client presenting the code', async () => {
      const { callback } = await authorize(server, { config: apps.managed.config, scope: 'openid', pkce: false });
      const code = codeOf(callback);
      expect((await exchange(apps.managed, code, client.randomPKCECodeVerifier())).body.error).toBe('invalid_grant');
      expect((await exchange(apps.managed, `oc_code_${'x'.repeat(43)}`)).body.error).toBe('invalid_grant');
      expect((await exchange(apps.managed2, code)).body.error).toBe('invalid_grant');
    });

    it('redeems only codes whose challenge the server made and still holds', async () => {
      const { callback } = await authorize(server, { config: apps.managed.config, scope: 'openid', pkce: false });
      const code = codeOf(callback);
      await server.db.updateTable('managed_pkce').set({ expires_at: Date.now() - 1 }).where('challenge', '=', (await storedChallenge(code))!).execute();
      const refused = await exchange(apps.managed, code);
      expect(refused.body).toMatchObject({ error: 'invalid_grant' });
    });

    it('uses the client’s own PKCE when it sends some', async () => {
      const own = await authorize(server, { config: apps.managed.config, scope: 'openid' });
      expect(await storedChallenge(codeOf(own.callback))).toBe(await client.calculatePKCECodeChallenge(own.verifier));
      expect((await exchange(apps.managed, codeOf(own.callback))).body.error).toBe('invalid_grant');
      const again = await authorize(server, { config: apps.managed.config, scope: 'openid' });
      expect((await exchange(apps.managed, codeOf(again.callback), again.verifier)).status).toBe(200);
    });

    it('originates PKCE for a pushed authorization request too', async () => {
      const pushed = await fetch(`${server.issuer}/oauth/par`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${apps.managed.clientId}:${apps.managed.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: apps.managed.clientId, response_type: 'code', redirect_uri: DEMO_REDIRECT, scope: 'openid', state: 'par' }).toString(),
      });
      expect(pushed.status).toBe(201);
      const { request_uri } = (await pushed.json()) as { request_uri: string };
      const url = new URL('/oauth/authorize', server.issuer);
      url.search = new URLSearchParams({ client_id: apps.managed.clientId, request_uri }).toString();
      const step = await new FormAgent().follow(url.toString(), new URL(server.issuer).origin);
      expect(step.res).toBeUndefined();
      const code = codeOf(new URL(step.url));
      expect(await storedChallenge(code)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await exchange(apps.managed, code)).status).toBe(200);
    });

    it('stops supplying verifiers once the app leaves managed', async () => {
      const { callback } = await authorize(server, { config: apps.managed2.config, scope: 'openid', pkce: false });
      await server.db.updateTable('apps').set({ pkce_policy: 'optional' }).where('id', '=', apps.managed2.clientId).execute();
      server.clientCache.invalidate(apps.managed2.clientId);
      expect((await exchange(apps.managed2, codeOf(callback))).body.error).toBe('invalid_grant');
    });
  });

  describe('the store', () => {
    it('keeps public apps on required, whatever writes the row', async () => {
      await expect(
        insertApp(server.db, { workspaceId: server.seed!.workspaceId, name: 'SPA', clientType: 'public', redirectUris: [DEMO_REDIRECT], grantTypes: ['authorization_code'], scopes: ['openid'], actorModes: ['self'], origin: 'console', pkcePolicy: 'managed' }),
      ).rejects.toThrow(/check constraint/i);
    });

    it('sweeps expired challenges', async () => {
      const { sweepExpired } = await import('../../src/main/store/sweeper');
      await server.db.updateTable('managed_pkce').set({ expires_at: 1 }).execute();
      await sweepExpired(server.db);
      const left = await server.db.selectFrom('managed_pkce').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(left.n)).toBe(0);
    });
  });
});

describe('pkce_policy at dynamic registration', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const register = async (metadata: Record<string, unknown>) => {
    const res = await fetch(`${server.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [DEMO_REDIRECT], ...metadata }) });
    return { status: res.status, body: (await res.json()) as { client_id?: string; pkce_policy?: string; error?: string; error_description?: string } };
  };

  it('defaults to required for public clients and optional for confidential ones, and stores it', async () => {
    const pub = await register({ token_endpoint_auth_method: 'none' });
    expect(pub).toMatchObject({ status: 201, body: { pkce_policy: 'required' } });
    const conf = await register({});
    expect(conf).toMatchObject({ status: 201, body: { pkce_policy: 'optional' } });
    const strict = await register({ pkce_policy: 'required' });
    const row = await server.db.selectFrom('apps').select(['pkce_policy', 'origin']).where('id', '=', strict.body.client_id!).executeTakeFirstOrThrow();
    expect(row).toEqual({ pkce_policy: 'required', origin: 'dynamic' });
  });

  it('refuses managed, unknown values and a public client without PKCE', async () => {
    for (const metadata of [{ pkce_policy: 'managed' }, { pkce_policy: 'sometimes' }, { token_endpoint_auth_method: 'none', pkce_policy: 'optional' }]) {
      const res = await register(metadata);
      expect(res.status, JSON.stringify(metadata)).toBe(400);
      expect(res.body.error).toBe('invalid_client_metadata');
      expect(res.body.error_description).toMatch(/pkce_policy/);
    }
  });
});
