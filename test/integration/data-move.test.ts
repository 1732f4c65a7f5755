import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import * as client from 'openid-client';
import { afterAll, describe, expect, it } from 'vitest';
import { ProvidedMasterKeyStore } from '../../src/main/secrets/provided-master-key';
import { startServer } from '../../src/main/server/server';
import { rpc } from '../helpers/admin-rpc';
import { codeFlow, discover } from '../helpers/flows';
import { emptyTestDatabase, postgresOnly } from '../helpers/postgres';
import { serve } from '../helpers/serve-process';
import { makeTempDir, startTestServer } from '../helpers/server';

const skipped = postgresOnly('the SQLite-to-PostgreSQL data move test');

describe.skipIf(skipped !== undefined)('moving a SQLite database to PostgreSQL (serve --copy-data-to)', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('copies apps, users and tokens: a PostgreSQL server serves the same apps and the tokens still introspect', async () => {
    const dataDir = await makeTempDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    // The SQLite server as a developer runs it: its master key in the data folder's master.key.
    const sqlite = await startServer({ dataDir, port: 0, host: '127.0.0.1' });
    const demo = { clientId: sqlite.seed!.appId, clientSecret: sqlite.seed!.clientSecret! };
    const created = await rpc(sqlite, 'apps.create', { workspaceId: sqlite.seed!.workspaceId, name: 'Moved App', grantTypes: ['client_credentials'], actorModes: ['app'], scopes: ['read:user'] });
    const user = await rpc(sqlite, 'users.create', { email: `moved-${randomBytes(3).toString('hex')}@example.test`, name: 'Moved User' });
    const config = await discover(sqlite, demo.clientId, demo.clientSecret);
    const { access_token: ccToken } = await client.clientCredentialsGrant(config, { scope: 'read:user' });
    const flow = await codeFlow(sqlite, { config });
    const revoked = (await client.clientCredentialsGrant(config, { scope: 'read:user' })).access_token;
    await client.tokenRevocation(config, revoked);
    await sqlite.close();

    const target = await emptyTestDatabase();
    cleanup.push(() => target.drop());
    const key = randomBytes(32).toString('base64');
    const copy = (env: Record<string, string>) => serve(['--data-dir', dataDir, '--keychain', 'off', '--copy-data-to', target.url], undefined, undefined, 60_000, env);
    const withoutKey = await copy({});
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toMatch(/^oauth-console: the copy needs the master key the PostgreSQL instances will share: set OAUTH_CONSOLE_MASTER_KEY/);
    const moved = await copy({ OAUTH_CONSOLE_MASTER_KEY: key });
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/^copied \d+ rows of \d+ tables from .*oauth-console\.sqlite to postgres:\/\/.* in [\d.]+ s; start every instance with --database/m);

    const pgDir = await makeTempDir();
    cleanup.push(() => rm(pgDir, { recursive: true, force: true }));
    const pg = await startTestServer({ dataDir: pgDir, database: target.url, masterKeyStore: new ProvidedMasterKeyStore(Buffer.from(key, 'base64'), 'the test') });
    cleanup.push(() => pg.dispose());
    // Nothing seeded again: the data came with the move.
    expect(pg.seed).toBeUndefined();
    const apps = (await rpc(pg, 'apps.list', {})) as { items: Array<{ id: string; name: string }> };
    expect(apps.items.map((a) => a.id)).toEqual(expect.arrayContaining([demo.clientId, created.app.id]));
    const users = (await rpc(pg, 'users.list', {})) as { items: Array<{ id: string }> };
    expect(users.items.map((u) => u.id)).toContain(user.id);

    // The tokens introspect as they did (the PostgreSQL server has another issuer: it is another address).
    const pgConfig = await discover(pg, demo.clientId, demo.clientSecret);
    expect((await client.tokenIntrospection(pgConfig, ccToken)).active).toBe(true);
    expect((await client.tokenIntrospection(pgConfig, flow.tokens.access_token)).active).toBe(true);
    expect((await client.tokenIntrospection(pgConfig, revoked)).active).toBe(false);
    // The refresh token still refreshes, and new tokens are signed with the moved keys, re-sealed under the given key.
    const refreshed = await client.refreshTokenGrant(pgConfig, flow.tokens.refresh_token!);
    expect(refreshed.access_token).toMatch(/^oc_at_/);
    const fresh = await client.clientCredentialsGrant(pgConfig, { scope: 'read:user' });
    expect((await client.tokenIntrospection(pgConfig, fresh.access_token)).active).toBe(true);
    // The activity log continues after the copied ids.
    const activity = (await rpc(pg, 'activity.list', { limit: 5 })) as { items: Array<{ type: string }> };
    expect(activity.items.length).toBeGreaterThan(0);

    const again = await copy({ OAUTH_CONSOLE_MASTER_KEY: key });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^oauth-console: cannot copy into postgres:\/\/\S+: the target database is not empty \(rows in .*\): copy into an empty database/);
  }, 180_000);
});
