import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerSentEvents, type ChangeEvent } from '../../src/shared/contract';
import { ProvidedMasterKeyStore } from '../../src/main/secrets/provided-master-key';
import { DEMO_REDIRECT, discover, walkPages } from '../helpers/flows';
import { FormAgent } from '../helpers/form-agent';
import { databaseForDataDir, postgresOnly } from '../helpers/postgres';
import { freePort, killHard, serveChild } from '../helpers/serve-child';
import { serve } from '../helpers/serve-process';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server';

/**
 * Two instances on one PostgreSQL database, behind one address: a small
 * reverse proxy on loopback sends each request to the instance the test
 * names (`via`), as a load balancer would pick one. Both instances have the
 * proxy's URL as their public URL, so they are one issuer.
 */
const skipped = postgresOnly('the multi-instance test');

/** Resolves once `check` resolves true (polled), or fails after `ms`: what "at once" may take is a NOTIFY's trip. */
async function eventually(check: () => Promise<boolean>, ms = 3_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`not true within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(skipped !== undefined)('two instances on one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;
  let proxy: Server;
  let target: TestServer;
  let issuer: string;
  const dirs: string[] = [];

  /** Sends what `fn` does through the proxy to `server`. */
  async function via<T>(server: TestServer, fn: () => Promise<T>): Promise<T> {
    target = server;
    return fn();
  }

  async function rpc(server: TestServer, name: string, input: unknown): Promise<any> {
    return via(server, async () => {
      const res = await fetch(`${issuer}/admin/rpc/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const body = await res.json();
      if (!res.ok) throw new Error(`${name}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    });
  }

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    proxy = createServer((req, res) => {
      const upstream = request({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve));
    const dirA = await makeTempDir();
    const dirB = await makeTempDir();
    dirs.push(dirA, dirB);
    const database = await databaseForDataDir(dirA);
    const masterKeyStore = new ProvidedMasterKeyStore(randomBytes(32), 'the test');
    const shared = { database, masterKeyStore, publicUrl: issuer, rateLimits: false } as const;
    // Started together on an empty database: the start-up lock makes them take turns.
    const both = await Promise.all([startTestServer({ ...shared, dataDir: dirA }), startTestServer({ ...shared, dataDir: dirB })]);
    [a, b] = both[0].seed ? both : [both[1], both[0]];
    target = a;
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await new Promise((resolve) => proxy?.close(resolve));
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  const demo = () => ({ clientId: a.seed!.appId, clientSecret: a.seed!.clientSecret! });

  it('starts as one when started together: one instance seeded the demo, the other found it and the same keys', async () => {
    expect(a.seed?.clientSecret).toBeDefined();
    expect(b.seed).toBeUndefined();
    const counts = await a.db.selectFrom('signing_keys').select(['alg', a.db.fn.countAll<number>().as('n')]).where('status', '=', 'active').groupBy('alg').execute();
    expect(counts.map((c) => Number(c.n))).toEqual([1, 1]);
    const jwks = async (server: TestServer) => via(server, async () => ((await (await fetch(`${issuer}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid).sort());
    expect(await jwks(b)).toEqual(await jwks(a));
  });

  /** A code flow whose authorization request goes to `start` and whose sign-in, consent and code exchange go to `finish`. */
  async function codeFlow(start: TestServer, finish: TestServer) {
    const config = await via(start, () => discover(start, demo().clientId, demo().clientSecret));
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: DEMO_REDIRECT, scope: 'openid profile read:user', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
    const agent = new FormAgent();
    const signIn = await via(start, () => agent.follow(url.toString(), issuer));
    expect(signIn.url).toMatch(/\/interaction\//);
    const { callback } = await via(finish, () => walkPages(issuer, signIn.url, { agent }));
    return via(finish, () => client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }));
  }

  it('finishes on B a flow started on A: the sign-in page, consent and the code exchange', async () => {
    const tokens = await codeFlow(a, b);
    expect(tokens.access_token).toMatch(/^oc_at_/);
    const me = await via(a, () => fetch(`${issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } }));
    expect(me.status).toBe(200);
  });

  it('refuses on A at once a token issued on A and revoked on B: the resource API and introspection', async () => {
    const config = await via(a, () => discover(a, demo().clientId, demo().clientSecret));
    const { access_token: token } = await via(a, () => client.clientCredentialsGrant(config, { scope: 'read:user' }));
    const introspect = async () => via(a, () => client.tokenIntrospection(config, token));
    expect((await introspect()).active).toBe(true);
    await via(b, () => client.tokenRevocation(config, token));
    // No waiting: revocable facts are read from the database on every call.
    const refused = await via(a, () => fetch(`${issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }));
    expect(refused.status).toBe(401);
    expect((await introspect()).active).toBe(false);
  });

  it("serves from A's JWKS the keys B rotated to, and A signs with them", async () => {
    const { activeKids } = (await rpc(b, 'server.rotateKeys', {})) as { activeKids: string[] };
    const took = await eventually(async () => {
      const keys = (await via(a, async () => (await (await fetch(`${issuer}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> })).keys;
      return activeKids.every((kid) => keys.some((k) => k.kid === kid));
    });
    expect(took).toBeLessThan(3_000);
    // A's engine was rebuilt with them: the ID token it signs names one of B's new keys.
    const tokens = await codeFlow(a, a);
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { kid: string };
    expect(activeKids).toContain(header.kid);
  });

  it("applies on A a settings change made on B (a token lifetime) and an app change (a rotated secret)", async () => {
    await rpc(b, 'settings.update', { clientCredentialsTtl: 123 });
    const config = await via(a, () => discover(a, demo().clientId, demo().clientSecret));
    await eventually(async () => (await via(a, () => client.clientCredentialsGrant(config, { scope: 'read:user' }))).expires_in === 123);

    const oldSecret = demo().clientSecret;
    // A reads the app once, so its client cache holds the old secret.
    expect((await via(a, () => client.clientCredentialsGrant(config, { scope: 'read:user' }))).access_token).toBeDefined();
    const rotated = (await rpc(b, 'apps.rotateSecret', { id: demo().clientId })) as { clientSecret: string };
    // Well before the cache's own 5 s: the announcement made A forget it.
    const took = await eventually(async () => {
      const res = await via(a, () => fetch(`${issuer}/oauth/token`, { method: 'POST', headers: { authorization: `Basic ${Buffer.from(`${demo().clientId}:${oldSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=read%3Auser' }));
      return res.status === 401;
    }, 2_000);
    expect(took).toBeLessThan(2_000);
    const fresh = await via(a, () => discover(a, demo().clientId, rotated.clientSecret));
    expect((await via(a, () => client.clientCredentialsGrant(fresh, { scope: 'read:user' }))).access_token).toBeDefined();
    a.seed!.clientSecret = rotated.clientSecret;
  });

  it('shows on a console attached to A an event caused on B (SSE)', async () => {
    const controller = new AbortController();
    const res = await via(a, () => fetch(`${issuer}/admin/changes`, { headers: { authorization: `Bearer ${a.adminToken}` }, signal: controller.signal }));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readServerSentEvents(res.body!);
    // Let the stream take its starting point before the change.
    await new Promise((r) => setTimeout(r, 200));
    const name = `Made on B ${randomBytes(3).toString('hex')}`;
    await rpc(b, 'workspaces.create', { name });
    const deadline = Date.now() + 5_000;
    let seen: ChangeEvent | undefined;
    while (!seen && Date.now() < deadline) {
      const next = await Promise.race([events.next(), new Promise<{ done: true; value: undefined }>((r) => setTimeout(() => r({ done: true, value: undefined }), deadline - Date.now()))]);
      if (next.done) break;
      const change = JSON.parse(next.value.data) as ChangeEvent;
      if (change.type === 'workspace.created') seen = change;
    }
    controller.abort();
    expect(seen?.type).toBe('workspace.created');
  });
});

describe.skipIf(skipped !== undefined)('starting on PostgreSQL', () => {
  it('applies a seed file once when two instances start together with it', async () => {
    const [dirA, dirB] = [await makeTempDir(), await makeTempDir()];
    const seed = join(dirA, 'seed.yaml');
    await writeFile(seed, 'version: 1\nworkspaces:\n  - slug: together\n    name: Started Together\napps:\n  - workspace: together\n    name: Seeded Once\n    grantTypes: [client_credentials]\n    actorModes: [app]\n    scopes: [read:user]\n');
    const database = await databaseForDataDir(dirA);
    const masterKeyStore = new ProvidedMasterKeyStore(randomBytes(32), 'the test');
    const both = await Promise.all([dirA, dirB].map((dataDir) => startTestServer({ dataDir, database, masterKeyStore, seedFile: seed })));
    try {
      const apps = await both[0]!.db.selectFrom('apps').select('name').where('name', '=', 'Seeded Once').execute();
      expect(apps).toHaveLength(1);
      const created = both.map((s) => s.seedReport?.created ?? 0);
      expect(created.filter((n) => n > 0)).toHaveLength(1);
    } finally {
      for (const server of both) await server.close();
      for (const dir of [dirA, dirB]) await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a per-machine master key with one line saying why', async () => {
    const dataDir = await makeTempDir();
    try {
      const run = await serve(['--port', '0', '--data-dir', dataDir, '--database', await databaseForDataDir(dataDir)], undefined, undefined, 30_000);
      expect(run.code).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^oauth-console: a PostgreSQL database needs a master key given to every instance: set OAUTH_CONSOLE_MASTER_KEY .* cannot be shared, so instances could not read each other's signing keys$/m);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe.skipIf(skipped !== undefined)('kill -9 of one instance under load (two child processes on one database)', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  afterAll(async () => {
    for (const child of children) killHard(child);
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('loses no committed token: every token answered 200 introspects active on the survivor', async () => {
    const [dirA, dirB] = [await makeTempDir(), await makeTempDir()];
    dirs.push(dirA, dirB);
    const database = await databaseForDataDir(dirA);
    const env = { OAUTH_CONSOLE_MASTER_KEY: randomBytes(32).toString('base64') };
    const args = (dir: string) => ['--port', '0', '--data-dir', dir, '--database', database, '--no-rate-limit'];
    const a = await serveChild(args(dirA), children, env);
    const b = await serveChild(args(dirB), children, env);
    const basic = `Basic ${Buffer.from(`${a.clientId}:${a.clientSecret}`).toString('base64')}`;
    const issue = (issuer: string) =>
      fetch(`${issuer}/oauth/token`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials&scope=read%3Auser' });

    const answered: string[] = [];
    let killed = false;
    const worker = async (issuer: string) => {
      for (let i = 0; i < 400 && !(killed && issuer === a.issuer); i++) {
        try {
          const res = await issue(issuer);
          if (res.status === 200) answered.push(((await res.json()) as { access_token: string }).access_token);
        } catch {
          // The killed instance's connections fail: those requests were answered with nothing.
        }
        if (killed && issuer === b.issuer && i > 40) return;
      }
    };
    const load = [worker(a.issuer), worker(a.issuer), worker(b.issuer), worker(b.issuer)];
    await eventually(async () => answered.length >= 60, 60_000);
    killHard(a.process);
    killed = true;
    await Promise.all(load);
    expect(answered.length).toBeGreaterThan(60);
    let inactive = 0;
    for (let i = 0; i < answered.length; i += 20) {
      const batch = answered.slice(i, i + 20);
      const verdicts = await Promise.all(
        batch.map(async (token) => {
          const res = await fetch(`${b.issuer}/oauth/introspect`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${encodeURIComponent(token)}` });
          return ((await res.json()) as { active: boolean }).active;
        }),
      );
      inactive += verdicts.filter((v) => !v).length;
    }
    expect(inactive).toBe(0);
  }, 180_000);
});
