import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepActivity } from '../../src/main/store/sweeper';
import { AdminError } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { startTestServer, type TestServer } from '../helpers/server';

/** The activity log as the console reads it: a time range, names of deleted apps, a bounded size. */
describe('the activity log', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('filters by a time range, and refuses a range that ends before it starts', async () => {
    const admin = httpClient(server);
    await server.activity.flush();
    const before = Date.now();
    await admin.workspaces.create({ name: 'In range' });
    await server.activity.flush();
    const after = Date.now();
    const inRange = await admin.activity.list({ from: before, to: after, types: ['workspace.'] });
    expect(inRange.items.map((e) => e.type)).toEqual(['workspace.created']);
    const earlier = await admin.activity.list({ to: before - 1, types: ['workspace.created'] });
    expect(earlier.items.some((e) => e.detail.name === 'In range')).toBe(false);
    const refused = await admin.activity.list({ from: after, to: before }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AdminError);
    expect((refused as AdminError).code).toBe('invalid_input');
    expect((refused as AdminError).fieldMessage('to')).toBe('must not be before from');
  });

  it("names a deleted app by the name it had, on all of its events", async () => {
    const admin = httpClient(server);
    const { app } = await admin.apps.create({ workspaceId: server.seed!.workspaceId, name: 'Gone Soon', redirectUris: ['https://gone.example/cb'], scopes: ['openid'] });
    await admin.apps.setConsentPolicy({ id: app.id, consentPolicy: 'auto-deny' });
    await admin.apps.delete({ id: app.id });
    await server.activity.flush();
    const { items } = await admin.activity.list({ appId: app.id });
    expect(items.map((e) => e.type)).toEqual(['app.deleted', 'app.consent_policy_set', 'app.created']);
    expect(items.every((e) => e.appName === 'Gone Soon')).toBe(true);
    expect(items[0]!.detail).toMatchObject({ via: 'console' });
  });

  it('keeps events for the retention setting only: the sweeper deletes older ones', async () => {
    const admin = httpClient(server);
    expect((await admin.settings.get()).activityRetentionDays).toBe(30);
    await admin.settings.update({ activityRetentionDays: 2 });
    await server.activity.flush();
    const { latestId, items } = await admin.activity.list({ limit: 1 });
    expect(items[0]!.type).toBe('settings.updated');
    // Three days on, everything recorded so far is older than two days.
    const removed = await sweepActivity(server.db, server.settings.current.activityRetentionDays, Date.now() + 3 * 86_400_000);
    expect(removed).toBeGreaterThan(0);
    expect((await admin.activity.list({ limit: 500 })).items.filter((e) => e.id <= latestId)).toEqual([]);
    const refused = await admin.settings.update({ activityRetentionDays: 0 }).catch((e: unknown) => e);
    expect((refused as AdminError).fieldMessage('activityRetentionDays')).toBeTruthy();
  });
});
