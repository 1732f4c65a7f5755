import * as client from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { codeFlow, demoApp, discover } from '../helpers/flows';
import { databaseAtRest } from '../helpers/database-at-rest';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server';

describe('restart and storage at rest', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close().catch(() => undefined);
  });

  it('keeps clients, tokens and signing keys across a restart on the same data folder', async () => {
    const dataDir = await makeTempDir();
    const first = await startTestServer({ dataDir, port: 0 });
    servers.push(first);
    const app = demoApp(first);
    const config = await discover(first, app.clientId, app.clientSecret);
    const { tokens } = await codeFlow(first, { config });
    const jwksBefore = await (await fetch(`${first.issuer}/oauth/jwks`)).json();
    await first.close();

    const second = await startTestServer({ dataDir, port: 0 });
    servers.push(second);
    expect(second.seed).toBeUndefined();
    const config2 = await discover(second, app.clientId, app.clientSecret);
    const me = await fetch(`${second.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    const refreshed = await client.refreshTokenGrant(config2, tokens.refresh_token!);
    expect(refreshed.access_token).toMatch(/^oc_at_/);
    // Same published keys: ID tokens signed before the restart still verify.
    expect(await (await fetch(`${second.issuer}/oauth/jwks`)).json()).toEqual(jwksBefore);
    await second.close();
  });

  it('never stores secrets, codes or tokens in plaintext', async () => {
    const server = await startTestServer();
    servers.push(server);
    const app = demoApp(server);
    const config = await discover(server, app.clientId, app.clientSecret);
    const { tokens, callback } = await codeFlow(server, { config });
    const cc = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    const code = callback.searchParams.get('code')!;
    await server.activity.flush();
    const bytes = await databaseAtRest(server);
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const value of [app.clientSecret, code, tokens.access_token, tokens.refresh_token!, cc.access_token]) {
      expect(bytes.includes(value), `found ${value.slice(0, 10)}… in the database`).toBe(false);
      // Not even the random part without its prefix.
      expect(bytes.includes(value.slice(value.indexOf('_', 3) + 1))).toBe(false);
    }
    // Private signing keys are encrypted: no private exponent "d" of a JWK in the clear.
    expect(bytes).not.toMatch(/"d":"[A-Za-z0-9_-]{20,}/);
    await server.dispose();
  });
});
