import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigDocumentError } from '../../src/main/admin/config/config-errors';
import { createAdminClient, createHttpTransport, type AdminClient, type AdminError } from '../../src/shared/contract';
import { databaseAtRest } from '../helpers/database-at-rest';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server';

const SECRET = 'oc_sec_ci-known-secret-0123456789abcdefghijklmnop';
const API_KEY = 'oc_key_ci-known-api-key-0123456789abcdefghijklmn';
const CLIENT_ID = 'oc_app_ciBackend01';

/** A seed a CI pipeline would write: a workspace, two users, an app with a known secret and a webhook, a resource server, settings. */
const SEED = `version: 1
settings:
  accessTokenTtl: 3600
  registrationWorkspace: acme
workspaces:
  - slug: acme
    name: Acme Corp
    members:
      - { user: owner@acme.test, role: OWNER }
      - { user: dev@acme.test, role: MEMBER }
    apiKeys:
      - { name: ci, key: ${API_KEY} }
users:
  - email: owner@acme.test
    name: Ada Owner
    groups: [leads]
  - email: dev@acme.test
    name: Dev Eloper
resources:
  - identifier: https://api.acme.test
    name: Acme API
    scopes: [read:user]
  - identifier: /mcp
    name: Acme MCP
apps:
  - workspace: acme
    clientId: ${CLIENT_ID}
    name: CI Backend
    clientSecret: ${SECRET}
    grantTypes: [client_credentials]
    actorModes: [app]
    scopes: [read:user, read:organization]
    webhooks:
      - url: https://hooks.acme.test/oauth
        events: [app.updated, token.revoked]
  - workspace: acme
    name: Web App
    clientType: public
    redirectUris: [http://localhost:5173/callback]
    scopes: [openid, profile]
`;

const servers: TestServer[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.dispose();
});

async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

function adminOf(server: TestServer): AdminClient {
  return createAdminClient(createHttpTransport({ baseUrl: server.issuer, token: server.adminToken }));
}

async function seedFile(text: string, name = 'seed.yaml'): Promise<string> {
  const file = join(await makeTempDir(), name);
  await writeFile(file, text);
  return file;
}

/** The AdminError a call rejects with. */
async function refusal(promise: Promise<unknown>): Promise<AdminError> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: AdminError) => err,
  );
}

describe('configuration as code', () => {
  it('applies a seed at start, and applying it again changes nothing (0 changes)', async () => {
    const server = await start({ seedFile: await seedFile(SEED) });
    const first = server.seedReport!;
    expect(first).toMatchObject({ created: 10, updated: 2, unchanged: 0, dryRun: false });
    expect(first.changes.map((c) => `${c.action} ${c.kind} ${c.key}`)).toEqual([
      'created workspace acme',
      'created user owner@acme.test',
      'created user dev@acme.test',
      'created membership acme/owner@acme.test',
      'created membership acme/dev@acme.test',
      'created apiKey acme/ci',
      'created resource https://api.acme.test',
      'updated resource /mcp',
      'created app acme/CI Backend',
      'created webhook acme/CI Backend https://hooks.acme.test/oauth',
      'created app acme/Web App',
      'updated settings settings',
    ]);
    // A fresh database with a seed has only what the seed declares: no demo data.
    expect(server.seed).toBeUndefined();
    const admin = adminOf(server);
    const again = await admin.config.import({ document: SEED, fileName: 'seed.yaml' });
    expect(again).toMatchObject({ created: 0, updated: 0, unchanged: 12, changes: [] });
    const events = (await admin.activity.list({ types: ['config.applied'] })).items;
    expect(events.map((e) => [e.detail.created, e.detail.updated])).toEqual([
      [0, 0],
      [10, 2],
    ]);
  });

  it('wins over an admin\'s edits of declared fields, and leaves what it does not declare alone', async () => {
    const server = await start({ seedFile: await seedFile(SEED) });
    const admin = adminOf(server);
    await admin.apps.update({ id: CLIENT_ID, name: 'Renamed by an admin', description: 'kept: the file does not declare it' });
    await admin.apps.rotateSecret({ id: CLIENT_ID });
    const extra = await admin.workspaces.create({ name: 'Not in the file', slug: 'elsewhere' });
    const dry = await admin.config.import({ document: SEED, dryRun: true });
    expect(dry.changes).toEqual([{ action: 'updated', kind: 'app', key: 'acme/CI Backend', path: 'apps[0]', fields: ['name', 'clientSecret'] }]);
    expect((await admin.apps.get({ id: CLIENT_ID })).name).toBe('Renamed by an admin');
    const report = await admin.config.import({ document: SEED });
    expect(report).toMatchObject({ created: 0, updated: 1, dryRun: false });
    const app = await admin.apps.get({ id: CLIENT_ID });
    expect(app).toMatchObject({ name: 'CI Backend', description: 'kept: the file does not declare it' });
    expect((await admin.workspaces.list()).items.map((w) => w.id)).toContain(extra.id);
  });

  it('a known client secret from the file works at the token endpoint and is not in the SQLite file', async () => {
    const server = await start({ seedFile: await seedFile(SEED) });
    const config = await client.discovery(new URL(server.issuer), CLIENT_ID, undefined, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    expect(tokens.access_token).toMatch(/^oc_cc_/);
    // The known API key works at the management REST API, held to its workspace's apps.
    const api = await fetch(`${server.issuer}/api/v1/oauth/applications`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { data: Array<{ name: string }> }).data.map((a) => a.name).sort()).toEqual(['CI Backend', 'Web App']);
    await server.activity.flush();
    const atRest = await databaseAtRest(server);
    expect(atRest).toContain('CI Backend');
    expect(atRest.includes(SECRET)).toBe(false);
    expect(atRest.includes(API_KEY)).toBe(false);
    const exported = await adminOf(server).config.export({ format: 'yaml' });
    expect(exported.document).not.toContain(SECRET);
    expect(exported.document).not.toContain(API_KEY);
  });

  it('export, import into a fresh server, export again: the same document', async () => {
    const original = await start();
    const admin = adminOf(original);
    const [demo] = (await admin.workspaces.list()).items;
    const app = await admin.apps.create({ workspaceId: demo!.id, name: 'Round trip', scopes: ['openid'], redirectUris: ['https://rt.example.test/cb'], singleLiveToken: true });
    await admin.webhooks.create({ appId: app.app.id, url: 'https://rt.example.test/hook', events: ['app.deleted'], description: 'round trip', enabled: false });
    await admin.resources.create({ identifier: 'https://rt.example.test/api', name: 'RT API', customScopes: [{ name: 'rt:read', description: 'Read RT' }], tokenFormat: 'jwt' });
    await admin.users.create({ email: 'claims@example.test', name: 'Claire Claims', locale: 'fr-FR', phoneNumber: '+33612345678', extraClaims: { tenant: 'rt', tier: 2, flags: ['beta'] } });
    await admin.settings.update({ consentPolicy: 'auto-approve', idTokenTtl: 600 });
    await admin.simulation.create({ endpoint: 'userinfo', appId: app.app.id, effect: 'latency', latencyMs: 5, mode: 'share', percent: 10 });
    await admin.simulation.create({ endpoint: 'jwks', effect: 'status', status: 503, mode: 'until_cleared' });
    for (const format of ['yaml', 'json'] as const) {
      const first = await admin.config.export({ format });
      const copy = await start({ seedFile: await seedFile(first.document, `seed.${format}`) });
      const second = await adminOf(copy).config.export({ format });
      expect(second.document).toBe(first.document);
      expect(first.document).toContain('Round trip');
      expect(first.document).toContain(format === 'yaml' ? 'tenant: rt' : '"tenant": "rt"');
    }
  });

  it('refuses bad files with the file, the path, the field and the line, and applies none of it', async () => {
    const server = await start();
    const admin = adminOf(server);
    const before = await admin.config.export({ format: 'json' });
    const cases: Array<[string, string, RegExp]> = [
      ['workspaces:\n  - slug: acme\n    name: [unclosed\n', '', /^bad\.yaml: line 4: YAML syntax error: Flow sequence/],
      ['users:\n  - email: a@b.test\n    name: A\n    nickname: x\n', 'users[0].nickname', /line 4: unknown field/],
      ['apps:\n  - workspace: demo\n    name: Bad\n    scopes: [openid]\n    redirectUris:\n      - http://evil.example/cb\n', 'apps[0].redirectUris[0]', /line 6: .*https/],
      ['workspaces:\n  - slug: acme\n    name: A\n    name: B\n', '', /line 4.*key given twice/],
      ['apps:\n  - workspace: nowhere\n    name: X\n    scopes: [openid]\n', 'apps[0].workspace', /line 2: no workspace has the slug "nowhere"/],
      ['users:\n  - email: a@b.test\n    name: A\n  - email: a@b.test\n    name: B\n', 'users[1].email', /line 4: .*declared twice \(first at users\[0\]\.email\)/],
      [`a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${'*a, '.repeat(10)}*a]\nc: &c [${'*b, '.repeat(10)}*b]\nd: [${'*c, '.repeat(10)}*c]\n`, '', /the document cannot be read: Excessive alias count/],
      ['apps:\n  - { workspace: demo, name: Twin, clientId: oc_app_twin000001, scopes: [openid], redirectUris: [https://t.test/cb] }\n  - { workspace: demo, name: Twin, scopes: [openid] }\n', 'apps[1].name', /line 3: the app "demo\/Twin" is declared twice \(also at apps\[0\]\): give each a clientId/],
    ];
    for (const [document, path, message] of cases) {
      const err = await refusal(admin.config.import({ document, fileName: 'bad.yaml' }));
      expect(err.code).toBe('invalid_input');
      expect(err.message).toMatch(/^bad\.yaml: /);
      expect(err.message).toMatch(message);
      if (path) expect(err.fields.map((f) => f.field)).toContain(path);
    }
    // A rule broken half-way (the second app) leaves the first one out too: one unit of work.
    const halfway = 'workspaces:\n  - { slug: half, name: Half }\napps:\n  - { workspace: half, name: Good, scopes: [openid], redirectUris: [https://ok.test/cb] }\n  - { workspace: half, name: Public, clientType: public, grantTypes: [client_credentials], actorModes: [app], scopes: [read:user] }\n';
    const err = await refusal(admin.config.import({ document: halfway, fileName: 'half.yaml' }));
    expect(err.fields.map((f) => f.field)).toEqual(['apps[1].grantTypes']);
    expect(err.message).toMatch(/half\.yaml: apps\[1\]\.grantTypes, line 5: public apps have no secret/);
    expect((await admin.config.export({ format: 'json' })).document).toBe(before.document);
  });

  it('validates known credentials and never echoes them', async () => {
    const server = await start();
    const admin = adminOf(server);
    const short = 'oc_sec_tooShort';
    const err = await refusal(admin.config.import({ document: `apps:\n  - { workspace: demo, name: S, scopes: [openid], redirectUris: [https://s.test/cb], clientSecret: ${short} }\n` }));
    expect(err.fields[0]).toMatchObject({ field: 'apps[0].clientSecret' });
    expect(JSON.stringify(err.toBody())).not.toContain(short);
    const twice = `workspaces:\n  - slug: kk\n    name: K\n    apiKeys:\n      - { name: a, key: ${API_KEY} }\n      - { name: b, key: ${API_KEY} }\n`;
    const dup = await refusal(admin.config.import({ document: twice }));
    expect(dup.fields[0]!.field).toBe('workspaces[0].apiKeys[1].key');
    expect(JSON.stringify(dup.toBody())).not.toContain(API_KEY);
  });

  it('a bad seed file stops the start with one line naming the file, the path and the line', async () => {
    const dataDir = await makeTempDir();
    await writeFile(join(dataDir, 'seed.yaml'), 'workspaces:\n  - { slug: written-first, name: Written first }\napps:\n  - workspace: demo\n    name: X\n    scopes: [openid]\n');
    const failure = await startTestServer({ dataDir }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(failure?.name).toBe('StartupError');
    expect(failure?.message).toMatch(/^seed file .*seed\.yaml: apps\[0\]\.workspace, line 4: no workspace has the slug "demo".*nothing was applied$/);
    expect(failure?.message).not.toContain('\n');
    // The failed start wrote nothing: the next start without the file seeds the demo as any first run.
    const { rm } = await import('node:fs/promises');
    await rm(join(dataDir, 'seed.yaml'));
    const server = await start({ dataDir });
    expect(server.seed).toBeDefined();
    expect((await adminOf(server).workspaces.list()).items.map((w) => w.slug)).toEqual(['demo']);
  });

  it('simulation rules: declared rules are put in effect once, matched by all their fields; a spent one is armed again', async () => {
    const rule = `simulation:\n  - { endpoint: token, app: ${CLIENT_ID}, grantType: client_credentials, effect: error, error: temporarily_unavailable, retryAfterSeconds: 7, mode: next, count: 1 }\n`;
    const document = `${SEED}${rule}`;
    const server = await start({ seedFile: await seedFile(document) });
    expect(server.seedReport!.changes.at(-2)).toMatchObject({ action: 'created', kind: 'simulationRule', path: 'simulation[0]' });
    const admin = adminOf(server);
    expect(await admin.config.import({ document })).toMatchObject({ created: 0, updated: 0, unchanged: 13 });
    const config = await client.discovery(new URL(server.issuer), CLIENT_ID, undefined, client.ClientSecretBasic(SECRET), { execute: [client.allowInsecureRequests] });
    const faulted = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read%3Auser',
    });
    expect([faulted.status, faulted.headers.get('retry-after'), ((await faulted.json()) as { error: string }).error]).toEqual([503, '7', 'temporarily_unavailable']);
    expect((await client.clientCredentialsGrant(config, { scope: 'read:user' })).access_token).toBeTruthy();
    // Spent, it is no longer in effect: applying the file arms it again.
    const again = await admin.config.import({ document });
    expect(again.changes.map((c) => `${c.action} ${c.kind}`)).toEqual(['created simulationRule']);
    const exported = (await admin.config.export({ format: 'yaml' })).document;
    expect(exported).toContain('simulation:\n  - endpoint: token\n    app: oc_app_ciBackend01\n');
    // A rule the contract refuses is a document error at its field.
    const bad = await refusal(admin.config.import({ document: 'simulation:\n  - { endpoint: jwks, effect: error, error: invalid_grant, mode: until_cleared }\n' }));
    expect(bad.fields.map((f) => f.field)).toEqual(['simulation[0].error']);
  });

  it('prune: true removes what the declared sections do not name, by the console\'s rules, and is idempotent', async () => {
    const server = await start({ seedFile: await seedFile(SEED) });
    const admin = adminOf(server);
    const acme = (await admin.workspaces.list()).items.find((w) => w.slug === 'acme')!;
    const extra = await admin.apps.create({ workspaceId: acme.id, name: 'Extra', scopes: ['openid'], redirectUris: ['https://extra.test/cb'] });
    await admin.webhooks.create({ appId: CLIENT_ID, url: 'https://stray.test/hook', events: ['app.deleted'] });
    await admin.workspaces.create({ name: 'Elsewhere', slug: 'elsewhere' });
    await admin.users.create({ email: 'stray@acme.test', name: 'Stray' });
    await admin.resources.create({ identifier: 'https://stray.test/api', name: 'Stray API' });
    const pruning = `prune: true\n${SEED}`;
    const expected = [
      'deleted webhook acme/CI Backend https://stray.test/hook apps[0].webhooks',
      `deleted app ${extra.app.id} apps`,
      'deleted resource https://stray.test/api resources',
      'deleted workspace elsewhere workspaces',
      'deleted user stray@acme.test users',
    ];
    const dry = await admin.config.import({ document: pruning, dryRun: true });
    expect(dry.changes.map((c) => `${c.action} ${c.kind} ${c.key} ${c.path}`)).toEqual(expected);
    expect((await admin.apps.get({ id: extra.app.id })).name).toBe('Extra');
    const report = await admin.config.import({ document: pruning });
    expect(report).toMatchObject({ created: 0, updated: 0, deleted: 5 });
    expect((await admin.workspaces.list()).items.map((w) => w.slug)).toEqual(['acme']);
    expect((await admin.resources.list()).items.filter((r) => r.builtIn)).toHaveLength(2);
    expect(await admin.config.import({ document: pruning })).toMatchObject({ created: 0, updated: 0, deleted: 0, changes: [] });
    // A prune that would leave a workspace without an OWNER is refused, and removes nothing.
    const ownerless = pruning.replace('  - email: owner@acme.test\n    name: Ada Owner\n    groups: [leads]\n', '').replace('      - { user: owner@acme.test, role: OWNER }\n', '');
    const err = await refusal(admin.config.import({ document: ownerless }));
    expect(err.message).toBe('console: workspaces[0].members, line 10: prune cannot remove the membership acme/owner@acme.test: a workspace needs at least one OWNER; make someone else OWNER first');
    expect((await admin.users.list()).items.map((u) => u.email).sort()).toEqual(['dev@acme.test', 'owner@acme.test']);
  });

  it("the README's complete example applies, and applies again with 0 changes", async () => {
    const readme = await readFile(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const example = /A complete file[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(readme)![1]!;
    const server = await start({ seedFile: await seedFile(example) });
    expect(server.seedReport).toMatchObject({ created: 12, updated: 2 });
    expect(await adminOf(server).config.import({ document: example })).toMatchObject({ created: 0, updated: 0 });
    const config = await client.discovery(new URL(server.issuer), 'oc_app_ciBackend01', undefined, client.ClientSecretBasic('oc_sec_ci-known-secret-0123456789abcdefghijklmnop'), {
      execute: [client.allowInsecureRequests],
    });
    expect((await client.clientCredentialsGrant(config, { scope: 'read:user' })).access_token).toBeTruthy();
    const ada = (await adminOf(server).users.list({ search: 'owner@acme.test' })).items[0]!;
    expect(ada).toMatchObject({ locale: 'en-GB', phoneNumber: '+4915112345678', extraClaims: { tenant: 'acme', beta: true } });
  });

  it('errors are ConfigDocumentErrors with one problem per place', () => {
    const err = new ConfigDocumentError('f.yaml', [
      { path: 'a', message: 'm1', line: 1 },
      { path: 'b', message: 'm2' },
    ]);
    expect(err.message).toBe('f.yaml: a, line 1: m1 (and 1 more problem: b: m2)');
    expect(err.fields).toEqual([
      { field: 'a', message: 'm1 (line 1)' },
      { field: 'b', message: 'm2' },
    ]);
  });
});
