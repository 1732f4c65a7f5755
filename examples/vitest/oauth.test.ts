/**
 * Example: a vitest suite that runs against a real, isolated OAuth Console
 * server with openid-client: tokens, revocation, a simulated outage, time
 * travel, and setting up an app through the admin contract. `npx vitest run` in a project that did
 * `npm install --save-dev oauth-console openid-client vitest`.
 */
import * as client from 'openid-client';
import { AdminError, startServer, type OAuthConsoleServer } from 'oauth-console';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: OAuthConsoleServer;
let config: client.Configuration;

beforeAll(async () => {
  // A fresh server on a free port with a temporary database; about a second.
  server = await startServer();
  const { clientId, clientSecret } = server.demo.app;
  config = await client.discovery(new URL(server.issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), {
    // The issuer is plain http on loopback.
    execute: [client.allowInsecureRequests],
  });
});

afterAll(async () => {
  await server?.stop();
});

describe('my service against a local authorization server', () => {
  it('gets a client-credentials token, which introspection says is active', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    const introspection = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspection.active).toBe(true);
    expect(introspection.client_id).toBe(server.demo.app.clientId);
  });

  it('sees a revoked token as inactive at once', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    await client.tokenRevocation(config, tokens.access_token);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('meets a provider outage (503 temporarily_unavailable) once, then gets its token', async () => {
    await server.simulate({ endpoint: 'token', effect: 'error', error: 'temporarily_unavailable', mode: 'next', count: 1 });
    // openid-client rejects a non-400 answer, with the response as the error's cause.
    const outage = await client.clientCredentialsGrant(config, { scope: 'read:user' }).catch((err: Error) => err.cause as Response);
    expect(outage.status).toBe(503);
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    expect(tokens.access_token).toBeTruthy();
  });

  it('sees a 24-hour token expire when the server clock moves a day on', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    await server.advanceClock(24 * 3600 + 60);
    try {
      expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    } finally {
      // Back to real time (and no rules) for the next test.
      await server.clearSimulations({ clock: true });
    }
  });

  it('sets up what a test needs through the admin contract (typed, validated like the console)', async () => {
    const created = await server.admin.call('apps.create', {
      workspaceId: server.demo.workspaceId,
      name: 'Service under test',
      clientType: 'confidential',
      grantTypes: ['client_credentials'],
      actorModes: ['app'],
      scopes: ['read:user'],
    });
    const own = await client.discovery(new URL(server.issuer), created.app.id, created.clientSecret!, client.ClientSecretPost(created.clientSecret!), {
      execute: [client.allowInsecureRequests],
    });
    expect((await client.clientCredentialsGrant(own, { scope: 'read:user' })).token_type.toLowerCase()).toBe('bearer');
    // A refusal is an AdminError naming the field.
    const refused = await server.admin.call('apps.create', { workspaceId: server.demo.workspaceId, name: '', scopes: ['openid'] }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AdminError);
    expect((refused as AdminError).fieldMessage('name')).toBeDefined();
  });
});
