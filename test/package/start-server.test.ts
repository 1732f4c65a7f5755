import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdminError, startServer } from '../../src/main/package/index';

/** The library's behaviour from its source; the packed build is pack-and-install.test.ts's. */
describe('startServer (the package entry)', () => {
  // os.tmpdir() follows $TMPDIR: each test sees only the data folders it made.
  let tmp: string;
  const previousTmp = process.env.TMPDIR;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'oauth-console-lib-'));
    process.env.TMPDIR = tmp;
  });
  afterEach(async () => {
    if (previousTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmp;
    await rm(tmp, { recursive: true, force: true });
  });

  it('serves on a free loopback port from a fresh data folder, with the demo app, and removes the folder on stop', async () => {
    const server = await startServer();
    expect(server.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.dataDir.startsWith(tmp)).toBe(true);
    const discovery = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(server.issuer);
    expect(server.demo.app.clientId).toMatch(/^oc_app_/);
    expect(server.demo.app.clientSecret).toMatch(/^oc_sec_/);
    expect(server.demo.app.redirectUris).toContain('http://127.0.0.1:8765/callback');
    expect(server.demo.users.map((u) => u.role)).toEqual(['OWNER', 'ADMIN', 'MEMBER']);
    // Only the public surface: no database, no engine.
    expect(Object.keys(server).sort()).toEqual(['admin', 'advanceClock', 'clearSimulations', 'dataDir', 'demo', 'issuer', 'mintToken', 'simulate', 'stop']);
    await server.stop();
    await server.stop();
    expect(existsSync(server.dataDir)).toBe(false);
    await expect(fetch(`${server.issuer}/healthz`)).rejects.toThrow();
  });

  it('mints a real token without a browser that the sample API accepts, and refuses after revocation', async () => {
    await using server = await startServer();
    const owner = server.demo.users.find((u) => u.role === 'OWNER')!;
    const minted = await server.mintToken({ appId: server.demo.app.clientId, userId: owner.id, scopes: ['read:user'] });
    const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${minted.accessToken}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { id: string }).id).toBe(owner.id);
    await server.admin.call('tokens.revoke', { id: minted.accessTokenId });
    expect((await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${minted.accessToken}` } })).status).toBe(401);
  });

  it('starts from a seed file instead of the demo: its known client secret works at once, and a bad file rejects the start', async () => {
    const seed = join(tmp, 'seed.yaml');
    const secret = 'oc_sec_ci-known-secret-0123456789abcdefghijklmnop';
    await writeFile(
      seed,
      ['version: 1', 'workspaces:', '  - { slug: ci, name: CI }', 'apps:', '  - workspace: ci', '    clientId: oc_app_ciSeeded01', '    name: Seeded', '    clientType: confidential', `    clientSecret: ${secret}`, '    grantTypes: [client_credentials]', '    actorModes: [app]', '    scopes: [read:user]', ''].join('\n'),
    );
    await using server = await startServer({ seed });
    expect(server.seedReport.created).toBeGreaterThanOrEqual(2);
    expect('demo' in server).toBe(false);
    const res = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`oc_app_ciSeeded01:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read:user',
    });
    expect(res.status).toBe(200);
    await writeFile(seed, 'version: 1\napps:\n  - workspace: nowhere\n    name: Broken\n');
    await expect(startServer({ seed })).rejects.toThrow(/seed\.yaml/);
  });

  it('keeps the data folder with keepData, and `await using` stops the server', async () => {
    let issuer = '';
    let dataDir = '';
    {
      await using server = await startServer({ keepData: true });
      ({ issuer, dataDir } = server);
      expect((await fetch(`${issuer}/healthz`)).status).toBe(200);
    }
    await expect(fetch(`${issuer}/healthz`)).rejects.toThrow();
    expect(await readdir(dataDir)).toContain('oauth-console.sqlite');
  });

  it('admin.call runs the contract as the console does: validated, recorded in the activity log, refusals as AdminError', async () => {
    await using server = await startServer();
    const created = await server.admin.call('apps.create', {
      workspaceId: server.demo.workspaceId,
      name: 'From a test suite',
      clientType: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      scopes: ['openid'],
    });
    expect(created.app.name).toBe('From a test suite');
    const { items } = await server.admin.call('activity.list', { types: ['app.created'] });
    expect(items.map((e) => e.clientId)).toContain(created.app.id);
    expect(items.find((e) => e.clientId === created.app.id)?.detail).toMatchObject({ via: 'console' });

    const invalid = await server.admin.call('apps.create', { workspaceId: server.demo.workspaceId, name: '', scopes: ['openid'] }).catch((err: unknown) => err);
    expect(invalid).toBeInstanceOf(AdminError);
    expect((invalid as AdminError).code).toBe('invalid_input');
    expect((invalid as AdminError).fieldMessage('name')).toBeDefined();
    const missing = await server.admin.call('apps.get', { id: 'oc_app_nothing' }).catch((err: unknown) => err);
    expect((missing as AdminError).code).toBe('not_found');
    const unknown = await (server.admin.call as (p: string, i?: unknown) => Promise<unknown>)('apps.launch', {}).catch((err: unknown) => err);
    expect((unknown as AdminError).code).toBe('unknown_procedure');
    expect((await server.admin.call('server.status')).issuer).toBe(server.issuer);
  });

  it('simulate, advanceClock and clearSimulations: openid-client meets the fault and the expiry, and recovers', async () => {
    await using server = await startServer();
    const { clientId, clientSecret } = server.demo.app;
    const config = await client.discovery(new URL(server.issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), { execute: [client.allowInsecureRequests] });

    const rule = await server.simulate({ endpoint: 'token', effect: 'error', error: 'temporarily_unavailable', mode: 'next', count: 1 });
    expect(rule).toMatchObject({ endpoint: 'token', mode: 'next', remaining: 1 });
    // 503 with the RFC error body; openid-client hands over the response as the error's cause.
    const failed = await client.clientCredentialsGrant(config, { scope: 'read:user' }).catch((err: unknown) => err);
    const response = (failed as Error).cause as Response;
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: string }).error).toBe('temporarily_unavailable');
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });

    expect((await server.advanceClock(12 * 3600)).clockOffsetSeconds).toBe(12 * 3600);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    // Relative: a second step adds to the first, past the token's 24 hours.
    expect((await server.advanceClock(12 * 3600 + 5)).clockOffsetSeconds).toBe(24 * 3600 + 5);
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(false);

    await server.simulate({ endpoint: 'introspection', effect: 'status', status: 503, mode: 'until_cleared' });
    // Both rules go: the spent one-shot and the 503; the clock is back to real time.
    expect(await server.clearSimulations({ clock: true })).toEqual({ cleared: 2, clockReset: true });
    expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
    const bad = await server.simulate({ endpoint: 'jwks', effect: 'error', error: 'invalid_grant', mode: 'until_cleared' }).catch((err: unknown) => err);
    expect((bad as AdminError).fieldMessage('error')).toMatch(/jwks/);
  });

  it('a start that fails (port taken) says why and leaves no data folder behind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(startServer({ port })).rejects.toThrow(new RegExp(String(port)));
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      taken.close();
    }
  });
});
