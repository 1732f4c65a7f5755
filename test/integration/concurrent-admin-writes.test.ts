import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { userIdByEmail } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

/**
 * Admin read-then-writes sent at once. On SQLite every unit of work is
 * serialised; on PostgreSQL (the same file, the `postgres` project) units
 * run concurrently, and these hold only because of the locks the store
 * takes there (advisory locks for settings and key rotation, `for update`
 * on the owner rows).
 */
describe('admin changes racing each other', () => {
  let server: TestServer;
  let admin: AdminClient;
  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
  });
  afterAll(() => server.dispose());

  it('keeps every one of several settings changes sent at once (none merges onto a stale copy)', async () => {
    const patches = [
      { authorizationCodeTtl: 61 },
      { accessTokenTtl: 601 },
      { idTokenTtl: 602 },
      { clientCredentialsTtl: 603 },
      { sessionTtl: 3601 },
      { tokenRequestsPerMinute: 1234 },
      { registrationsPerMinute: 77 },
      { activityRetentionDays: 42 },
    ];
    await Promise.all(patches.map((patch) => admin.settings.update(patch)));
    const settings = await admin.settings.get({});
    for (const patch of patches) expect(settings).toMatchObject(patch);
    // What the engine uses (memory) is what is stored.
    expect(server.settings.current).toMatchObject(Object.assign({}, ...patches));
  });

  it('leaves exactly one active key per algorithm after rotations sent at once', async () => {
    const rotations = await Promise.all(Array.from({ length: 4 }, () => admin.server.rotateKeys({})));
    expect(rotations).toHaveLength(4);
    const keys = (await admin.server.status({})).signingKeys;
    const active = keys.filter((k) => k.status === 'active');
    expect(active.map((k) => k.alg).sort()).toEqual(['ES256', 'RS256']);
    // The keys the engine signs with are the active ones.
    const jwks = (await (await fetch(`${server.issuer}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    for (const key of active) expect(jwks.keys.map((k) => k.kid)).toContain(key.kid);
  });

  it('never leaves a workspace without an OWNER when its two owners are demoted at once', async () => {
    const workspaceId = server.seed!.workspaceId;
    const [owner, second] = [await userIdByEmail(server, 'olivia.owner@example.test'), await userIdByEmail(server, 'adam.admin@example.test')];
    await admin.memberships.update({ workspaceId, userId: second, role: 'OWNER' });
    const results = await Promise.allSettled([owner, second].map((userId) => admin.memberships.update({ workspaceId, userId, role: 'MEMBER' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as { code?: string }).code).toBe('conflict');
    const owners = (await admin.memberships.list({ workspaceId })).items.filter((m) => m.role === 'OWNER');
    expect(owners).toHaveLength(1);
  });
});
