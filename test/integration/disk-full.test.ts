// SQLite only (vitest.config.ts keeps it out of the PostgreSQL project): a full disk (tmpfs) under the SQLite file.
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient } from '../../src/shared/contract';
import { createHttpTransport } from '../../src/shared/contract/http-transport';
import { DEMO_REDIRECT, demoApp, demoConfig } from '../helpers/flows';
import { FormAgent, formAction, hiddenValue, radioValues } from '../helpers/form-agent';
import { mountStatus, mountTmpfs, type Tmpfs } from '../helpers/mounts';
import { startTestServer, type TestServer } from '../helpers/server';

const mounts = mountStatus();
if (!mounts.available && !mounts.mustFail) console.warn(`skipped (full disk): ${mounts.reason}`);

/** Writes zeros into `file` until the file system says ENOSPC. */
async function fillDisk(file: string): Promise<void> {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!mounts.available)('a full disk at run time (a small tmpfs mounted by the test)', () => {
  let disk: Tmpfs;
  let server: TestServer;
  const alerts: string[] = [];
  const filler = () => join(disk.path, 'filler');

  beforeAll(async () => {
    disk = await mountTmpfs('24m');
    server = await startTestServer({ dataDir: disk.path, alert: (line) => alerts.push(line), storageProbeIntervalMs: 200 });
  });
  afterAll(async () => {
    await server?.dispose();
    await disk?.dispose();
  });

  const clientCredentials = () => {
    const app = demoApp(server);
    return fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read:user',
    });
  };
  const status = () => createAdminClient(createHttpTransport({ baseUrl: server.issuer, token: server.adminToken })).server.status({});

  it('answers 503 temporarily_unavailable with Retry-After, logs one line per episode, shows it in server.status, and recovers by itself', async () => {
    expect((await clientCredentials()).status).toBe(200);
    const config = await demoConfig(server);
    const issued = await client.clientCredentialsGrant(config, { scope: 'write:organization' });
    const workspace = (await server.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    // A sign-in page opened before the disk fills, submitted after.
    const agent = new FormAgent();
    const origin = new URL(server.issuer).origin;
    const signIn = await agent.follow(client.buildAuthorizationUrl(config, { redirect_uri: DEMO_REDIRECT, scope: 'openid', state: 's0' }).toString(), origin);
    const signInHtml = await signIn.res!.text();
    const signInAction = new URL(formAction(signInHtml), signIn.url).toString();
    // Every write from here needs fresh space: the write-ahead log starts empty.
    await sql`pragma wal_checkpoint(truncate)`.execute(server.db);
    await fillDisk(filler());

    // Token endpoint (RFC 6749 §5.2 JSON error).
    for (let i = 0; i < 5; i++) {
      const res = await clientCredentials();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect(await res.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'The server cannot store anything right now (its disk is full); retry later.' });
    }
    // Authorization endpoint: an error redirect to the verified redirect URI (a 503 cannot travel in one).
    const authorize = new URL(`${server.issuer}/oauth/authorize`);
    authorize.search = new URLSearchParams({ client_id: demoApp(server).clientId, response_type: 'code', scope: 'openid', redirect_uri: DEMO_REDIRECT, state: 's1' }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    const location = new URL(redirect.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(DEMO_REDIRECT);
    expect(location.searchParams.get('error')).toBe('temporarily_unavailable');
    expect(location.searchParams.get('state')).toBe('s1');
    // Our sign-in page: the same error, as a page.
    const page = await agent.request(signInAction, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ csrf: hiddenValue(signInHtml, 'csrf'), user_id: radioValues(signInHtml, 'user_id')[0]! }).toString(),
    });
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('30');
    expect(await page.text()).toContain('temporarily_unavailable');
    // Registration (RFC 7591).
    const registration = await fetch(`${server.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:8765/cb'] }) });
    expect(registration.status, await registration.clone().text()).toBe(503);
    expect(registration.headers.get('retry-after')).toBe('30');
    expect(((await registration.json()) as { error: string }).error).toBe('temporarily_unavailable');
    // Resource API: a write with a token issued before the disk filled.
    const comment = await fetch(`${server.issuer}/api/v1/workspaces/${workspace}/comments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${issued.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'hello' }),
    });
    expect(comment.status).toBe(503);
    expect(comment.headers.get('retry-after')).toBe('30');
    expect(((await comment.json()) as { error: string }).error).toBe('temporarily_unavailable');

    const full = await status();
    expect(full.storage.state).toBe('full');
    expect(full.storage.since).toBeGreaterThan(0);
    expect(full.storage.message).toContain('is full');
    expect(alerts.filter((l) => l.startsWith('error: storage:'))).toHaveLength(1);

    await rm(filler());
    await until(async () => (await status()).storage.state === 'ok', 15_000);
    expect((await clientCredentials()).status).toBe(200);
    expect(alerts).toHaveLength(2);
    expect(alerts[0]).toMatch(/^error: storage: the disk holding .*oauth-console\.sqlite is full: writes fail and clients get 503 temporarily_unavailable until space is freed$/);
    expect(alerts[1]).toMatch(/^storage: writes work again after \d+ s with a full disk \(\d+ MB free now\)$/);
  }, 60_000);
});

describe('full disk tests', () => {
  it.runIf(mounts.mustFail)('can mount a tmpfs in CI', () => {
    throw new Error(`CI=true: ${mounts.reason}`);
  });
});
