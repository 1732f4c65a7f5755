import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/main/secrets/crypto';
import { cachesOf } from '../../src/main/store/caches';
import { openStore } from '../../src/main/store/database';
import { rpc } from '../helpers/admin-rpc';
import { authorize, codeFlow, confidentialApp, demoApp, demoConfig, DEMO_REDIRECT, userIdByEmail } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * The store's caches (src/main/store/caches.ts) keep the promise that a
 * change takes effect at once: each case warms the caches with the very
 * calls it then repeats after the change, alone and 20 at a time. The same
 * suite runs with the caches off, and must behave the same.
 */
const PARALLEL = 20;

for (const caches of [true, false]) {
  describe(`with the caches ${caches ? 'on' : 'off'}`, () => {
    let server: TestServer;
    let config: client.Configuration;
    let basic: string;

    beforeAll(async () => {
      server = await startTestServer({ rateLimits: false, caches });
      config = await demoConfig(server);
      const app = demoApp(server);
      basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
    });
    afterAll(() => server.dispose());

    const post = (path: string, body: Record<string, string>, auth = basic) =>
      fetch(`${server.issuer}${path}`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));
    const introspect = async (token: string) => (await post('/oauth/introspect', { token })).body.active;
    const me = (token: string) => fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const meBody = async (token: string) => (await (await me(token)).json()) as { name: string; workspace: { name: string; role?: string } | null };
    const times = <T>(n: number, fn: () => Promise<T>) => Promise.all(Array.from({ length: n }, fn));

    /** Both read paths say "live" (and warm the caches), alone and 20 at a time. */
    async function expectLive(token: string) {
      expect(await introspect(token)).toBe(true);
      expect((await me(token)).status).toBe(200);
      expect(new Set(await times(PARALLEL, () => introspect(token)))).toEqual(new Set([true]));
      expect(new Set(await times(PARALLEL, async () => (await me(token)).status))).toEqual(new Set([200]));
    }

    /** Both read paths say "dead" at once, repeatedly, alone and 20 at a time. */
    async function expectDead(token: string) {
      for (let i = 0; i < 3; i++) {
        expect(await introspect(token)).toBe(false);
        expect((await me(token)).status).toBe(401);
      }
      expect(new Set(await times(PARALLEL, () => introspect(token)))).toEqual(new Set([false]));
      expect(new Set(await times(PARALLEL, async () => (await me(token)).status))).toEqual(new Set([401]));
    }

    it('a token revoked at the revocation endpoint is inactive and refused at once, even with reads in flight', async () => {
      for (let round = 0; round < 3; round++) {
        const { tokens } = await codeFlow(server, { config, scope: 'openid read:user' });
        await expectLive(tokens.access_token);
        const inFlight = times(PARALLEL, () => introspect(tokens.access_token));
        await client.tokenRevocation(config, tokens.access_token);
        await inFlight;
        await expectDead(tokens.access_token);
      }
      const cc = (await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' })).body.access_token as string;
      await expectLive(cc);
      const revoked = await fetch(`${server.issuer}/oauth/revoke`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: cc }) });
      expect(revoked.status).toBe(200);
      await expectDead(cc);
    });

    it('a client-credentials token revoked in the console, or expired now, is dead at once', async () => {
      const revoked = (await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' })).body.access_token as string;
      await expectLive(revoked);
      expect(await rpc(server, 'tokens.revoke', { id: sha256Hex(revoked) })).toEqual({ revoked: 1 });
      await expectDead(revoked);
      const expired = (await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' })).body.access_token as string;
      await expectLive(expired);
      await rpc(server, 'tokens.expire', { id: sha256Hex(expired) });
      await expectDead(expired);
    });

    it("revoking a refresh token ends the grant's access token at once", async () => {
      const { tokens } = await codeFlow(server, { config });
      await expectLive(tokens.access_token);
      await client.tokenRevocation(config, tokens.refresh_token!);
      await expectDead(tokens.access_token);
    });

    it('a single live token supersedes the cached earlier one at once', async () => {
      const app = await confidentialApp(server, { name: `Single ${caches}`, scopes: ['read:user'], grantTypes: ['client_credentials'], actorModes: ['app'], singleLiveToken: true });
      const auth = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
      const first = (await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' }, auth)).body.access_token as string;
      expect((await me(first)).status).toBe(200);
      const second = (await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' }, auth)).body.access_token as string;
      expect((await me(second)).status).toBe(200);
      expect((await me(first)).status).toBe(401);
    });

    it(`an authorization code redeemed ${PARALLEL} times at once is honoured once`, async () => {
      for (let round = 0; round < 3; round++) {
        const { callback, verifier } = await authorize(server, { config });
        const code = callback.searchParams.get('code')!;
        const results = await times(PARALLEL, () => post('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: DEMO_REDIRECT, code_verifier: verifier }));
        const winners = results.filter((r) => r.status === 200);
        expect(winners).toHaveLength(1);
        for (const loser of results.filter((r) => r.status !== 200)) expect(loser).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
        // The replays revoked what the code issued, and the caches know it.
        await expectDead(winners[0]!.body.access_token as string);
      }
    });

    it("a user's, a workspace's and a role's change shows at once; a removed member is refused at once", async () => {
      const adam = await userIdByEmail(server, 'adam.admin@example.test');
      const workspaceId = server.seed!.workspaceId;
      const { tokens } = await codeFlow(server, { config, scope: 'openid read:user', userEmail: 'adam.admin@example.test' });
      await expectLive(tokens.access_token);
      expect((await meBody(tokens.access_token)).workspace?.role).toBe('ADMIN');
      await rpc(server, 'users.update', { id: adam, name: `Adam Renamed ${caches}` });
      await rpc(server, 'workspaces.update', { id: workspaceId, name: `Renamed ${caches}` });
      await rpc(server, 'memberships.update', { workspaceId, userId: adam, role: 'MEMBER' });
      for (const body of await times(PARALLEL, () => meBody(tokens.access_token))) {
        expect(body.name).toBe(`Adam Renamed ${caches}`);
        expect(body.workspace).toMatchObject({ name: `Renamed ${caches}`, role: 'MEMBER' });
      }
      await rpc(server, 'memberships.remove', { workspaceId, userId: adam });
      expect(new Set(await times(PARALLEL, async () => (await me(tokens.access_token)).status))).toEqual(new Set([403]));
      await rpc(server, 'memberships.create', { workspaceId, userId: adam, role: 'ADMIN' });
      expect((await meBody(tokens.access_token)).workspace?.role).toBe('ADMIN');
    });

    it("an app's rotated secret and its deletion take effect at once", async () => {
      const app = await confidentialApp(server, { name: `Rotated ${caches}`, scopes: ['read:user'], grantTypes: ['client_credentials'], actorModes: ['app'] });
      const auth = (secret: string) => `Basic ${Buffer.from(`${app.clientId}:${secret}`).toString('base64')}`;
      const token = (await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' }, auth(app.clientSecret))).body.access_token as string;
      await expectLive(token);
      const rotated = await rpc(server, 'apps.rotateSecret', { id: app.clientId });
      const old = await times(PARALLEL, () => post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' }, auth(app.clientSecret)));
      expect(new Set(old.map((r) => r.status))).toEqual(new Set([401]));
      expect((await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' }, auth(rotated.clientSecret!))).status).toBe(200);
      await rpc(server, 'apps.delete', { id: app.clientId });
      await expectDead(token);
    });

    it('a change made outside this process shows once invalidate() is called (what a change feed does)', async () => {
      const token = (await post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' })).body.access_token as string;
      await expectLive(token);
      // Another writer on the same database: a second handle, as another instance would be.
      const other = await openStore(server.databaseFile);
      try {
        await other.updateTable('oidc_models').set({ revoked_at: Date.now() }).where('id', '=', sha256Hex(token)).execute();
      } finally {
        await other.destroy();
      }
      // On PostgreSQL (several instances) the store has no caches; on SQLite they are as asked.
      const on = cachesOf(server.db).enabled;
      expect(on).toBe(caches && server.database === undefined);
      // This process did not see the write: with the caches on it still answers from memory.
      expect(await introspect(token)).toBe(on);
      cachesOf(server.db).invalidate('token', `ClientCredentials:${sha256Hex(token)}`);
      await expectDead(token);
    });
  });
}
