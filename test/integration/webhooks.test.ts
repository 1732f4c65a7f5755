import { Webhook } from 'svix';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unitOfWork } from '../../src/main/store/database';
import { claimDelivery } from '../../src/main/store/webhook-deliveries-store';
import { WebhookWorker } from '../../src/main/webhooks/webhook-worker';
import type { AdminClient } from '../../src/shared/contract';
import { WEBHOOK_EVENT_TYPES } from '../../src/shared/webhooks';
import { httpClient } from '../admin/admin-clients';
import { adminError } from '../admin/contract-suite';
import { databaseAtRest } from '../helpers/database-at-rest';
import { codeFlow, confidentialApp, demoConfig, userIdByEmail } from '../helpers/flows';
import { makeTempDir, startTestServer, type TestServer } from '../helpers/server';
import { eventually, startReceiver, type Received } from '../helpers/webhook-receiver';

/** Checks a received request with svix (an independent Standard Webhooks implementation) and returns its payload. */
function verified(secret: string, request: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers = { 'webhook-id': String(request.headers['webhook-id']), 'webhook-timestamp': String(request.headers['webhook-timestamp']), 'webhook-signature': String(request.headers['webhook-signature']) };
  return new Webhook(secret).verify(request.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

const fast = { retryDelaysMs: [50, 50], pollIntervalMs: 20 };

describe('webhooks: every event type, signed and verified', () => {
  let server: TestServer;
  let admin: AdminClient;
  const logs: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ webhooks: fast, log: (line) => logs.push(line) });
    admin = httpClient(server);
  });
  afterAll(() => server.dispose());

  it('delivers app.authorized, token.revoked, connection.revoked, app.updated, app.secret_rotated and app.deleted, each verifying with svix', async () => {
    const receiver = await startReceiver();
    try {
      const appId = server.seed!.appId;
      const { endpoint, secret } = await admin.webhooks.create({ appId, url: receiver.url, events: [...WEBHOOK_EVENT_TYPES] });
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(endpoint.secretHint).toBe(secret.slice(-4));

      const flow = await codeFlow(server, { config: await demoConfig(server), userEmail: 'mia.member@example.test', scope: 'openid read:user' });
      const mia = await userIdByEmail(server, 'mia.member@example.test');
      const [authorized] = await receiver.waitFor(1);
      const first = verified(secret, authorized!);
      expect(first).toMatchObject({ type: 'app.authorized', data: { appId, userId: mia, workspaceId: server.seed!.workspaceId, actor: 'self', scopes: expect.arrayContaining(['openid', 'read:user']) } });

      const token = (await admin.tokens.list({ appId, kind: 'access', status: 'active', limit: 5 })).items[0]!;
      await admin.tokens.revoke({ id: token.id });
      const connection = (await admin.connections.list({ appId, limit: 5 })).items[0]!;
      await admin.connections.revoke({ id: connection.id });
      await admin.apps.update({ id: appId, name: 'Demo App (renamed)' });
      await admin.apps.rotateSecret({ id: appId });
      await admin.apps.delete({ id: appId });

      const all = await receiver.waitFor(6);
      const payloads = all.map((request) => verified(secret, request));
      expect(payloads.map((p) => p.type)).toEqual(['app.authorized', 'token.revoked', 'connection.revoked', 'app.updated', 'app.secret_rotated', 'app.deleted']);
      expect(payloads[1]!.data).toMatchObject({ appId, tokenId: token.id, kind: 'access', all: false });
      expect(payloads[2]!.data).toMatchObject({ appId, connectionId: connection.id, userId: mia });
      expect(payloads[3]!.data).toMatchObject({ changed: ['name'] });
      expect(payloads[5]!.data).toMatchObject({ appId, name: 'Demo App (renamed)' });
      for (const request of all) {
        expect(request.headers['content-type']).toBe('application/json');
        expect(request.body).not.toMatch(/oc_(at|rt|sec|code|cc)_|whsec_/);
        expect(request.body).not.toContain(flow.tokens.access_token);
      }
      // Each message has its own id; the tampered body does not verify.
      expect(new Set(all.map((r) => r.headers['webhook-id'])).size).toBe(6);
      expect(() => verified(secret, { ...all[0]!, body: all[0]!.body.replace('app.authorized', 'app.deleted') })).toThrow();
    } finally {
      await receiver.close();
    }
  });

  it('keeps the secret encrypted at rest and out of the logs and the activity log', async () => {
    const app = await confidentialApp(server, { name: 'Secret keeper', scopes: ['openid'] });
    const { secret } = await admin.webhooks.create({ appId: app.clientId, url: 'https://hooks.example.test/in', events: ['app.updated'] });
    const rotated = await admin.webhooks.rotateSecret({ appId: app.clientId, id: (await admin.webhooks.list({ appId: app.clientId })).items[0]!.id });
    await server.activity.flush();
    const bytes = Buffer.from(await databaseAtRest(server), 'latin1');
    for (const value of [secret, rotated.secret]) {
      const key = value.slice('whsec_'.length);
      expect(bytes.includes(Buffer.from(key))).toBe(false);
      expect(bytes.includes(Buffer.from(key.slice(0, 24)))).toBe(false);
      expect(bytes.includes(Buffer.from(key, 'base64'))).toBe(false);
      expect(logs.join('\n')).not.toContain(key);
    }
    const events = await admin.activity.list({ search: 'webhook', limit: 50 });
    expect(JSON.stringify(events)).not.toContain(secret.slice(6));
  });

  it('refuses a bad URL, plain http for a host that is not loopback, and unknown events, naming each field', async () => {
    const appId = (await confidentialApp(server, { name: 'Bad input', scopes: ['openid'] })).clientId;
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ url: 'not a url', events: ['app.updated'] }, 'url', /spaces|absolute/],
      [{ url: 'http://hooks.example.test/in', events: ['app.updated'] }, 'url', /must use https/],
      [{ url: 'ftp://hooks.example.test/in', events: ['app.updated'] }, 'url', /https URL/],
      [{ url: 'https://user:pw@hooks.example.test/in', events: ['app.updated'] }, 'url', /credentials/],
      [{ url: 'https://hooks.example.test/in', events: ['app.exploded'] }, 'events.0', /unknown event/],
      [{ url: 'https://hooks.example.test/in', events: [] }, 'events', /at least one/],
      [{ url: 'https://hooks.example.test/in', events: ['app.updated', 'app.updated'] }, 'events.1', /twice/],
    ];
    for (const [body, field, message] of cases) {
      const error = await adminError(admin.webhooks.create({ appId, ...body } as never));
      expect(error.code).toBe('invalid_input');
      expect(error.fields).toContainEqual({ field, message: expect.stringMatching(message) });
    }
    expect((await adminError(admin.webhooks.create({ appId: 'oc_app_nope', url: 'https://a.example.test', events: ['app.updated'] }))).code).toBe('not_found');
    for (const url of ['http://localhost:9/x', 'http://127.0.0.1:9/x', 'http://[::1]:9/x']) {
      await expect(admin.webhooks.create({ appId, url, events: ['app.updated'] })).resolves.toBeTruthy();
    }
  });

  it('the catcher records a delivery, which verifies with the secret shown once', async () => {
    const appId = (await confidentialApp(server, { name: 'Catcher user', scopes: ['openid'] })).clientId;
    const catcher = await admin.webhooks.catcher({ appId });
    expect(catcher.url).toMatch(new RegExp(`^${server.issuer}/webhooks/inbox/ibx_`));
    expect(catcher.requests).toEqual([]);
    expect((await admin.webhooks.catcher({ appId })).url).toBe(catcher.url);
    const { endpoint, secret } = await admin.webhooks.create({ appId, url: catcher.url, events: ['app.updated'] });
    const test = await admin.webhooks.sendTest({ appId, id: endpoint.id });
    const caught = await eventually(async () => (await admin.webhooks.catcher({ appId })).requests[0]);
    expect(caught.headers['webhook-id']).toBe(test.id);
    expect(verified(secret, { headers: caught.headers, body: caught.body })).toMatchObject({ type: 'webhook.test', data: { appId, endpointId: endpoint.id } });
    const delivered = await eventually(async () => (await admin.webhooks.deliveries({ appId })).items.find((d) => d.id === test.id && d.status === 'succeeded'));
    expect(delivered.attemptLog).toMatchObject([{ attempt: 1, responseStatus: 200, responseExcerpt: '{"received":true}', error: null }]);
    expect(delivered.attemptLog[0]!.requestHeaders['webhook-signature']).toMatch(/^v1,/);
    const unknown = await fetch(`${server.issuer}/webhooks/inbox/ibx_nope`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('a rolled-back unit enqueues nothing; a committed one enqueues its delivery', async () => {
    const app = await confidentialApp(server, { name: 'Rollback', scopes: ['openid'] });
    await admin.webhooks.create({ appId: app.clientId, url: 'https://hooks.example.test/rollback', events: ['app.updated'] });
    const count = async () => (await server.db.selectFrom('webhook_deliveries').select((eb) => eb.fn.countAll<number>().as('n')).where('app_id', '=', app.clientId).executeTakeFirstOrThrow()).n;
    await expect(
      unitOfWork(server.db, async () => {
        server.activity.record({ type: 'app.updated', clientId: app.clientId, detail: { changed: ['name'] } });
        await server.db.updateTable('apps').set({ name: 'never' }).where('id', '=', app.clientId).execute();
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(Number(await count())).toBe(0);
    await unitOfWork(server.db, async () => server.activity.record({ type: 'app.updated', clientId: app.clientId, detail: { changed: ['name'] } }));
    expect(Number(await count())).toBe(1);
    // A failed admin call (an error after its write) leaves no delivery either.
    await adminError(admin.apps.update({ id: app.clientId, redirectUris: ['http://evil.example.test/cb'] }));
    expect(Number(await count())).toBe(1);
  });
});

describe('webhooks: retries, restarts and claims', () => {
  const servers: TestServer[] = [];
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    for (const server of servers.splice(0)) await server.dispose();
  });

  it('retries after a failure: 500 then 200 gives two attempts in the log, the same webhook-id on both', async () => {
    const server = await startTestServer({ webhooks: fast });
    servers.push(server);
    const receiver = await startReceiver({ statuses: [500] });
    closers.push(receiver.close);
    const admin = httpClient(server);
    const appId = server.seed!.appId;
    const { secret } = await admin.webhooks.create({ appId, url: receiver.url, events: ['app.updated'] });
    await admin.apps.update({ id: appId, description: 'retried' });
    const [failed, ok] = await receiver.waitFor(2);
    expect(failed!.headers['webhook-id']).toBe(ok!.headers['webhook-id']);
    expect(verified(secret, ok!).type).toBe('app.updated');
    const delivery = await eventually(async () => (await admin.webhooks.deliveries({ appId })).items.find((d) => d.status === 'succeeded'));
    expect(delivery).toMatchObject({ attempts: 2, attemptLimit: 3, lastStatus: 200, nextAttemptAt: null });
    expect(delivery.attemptLog.map((a) => [a.attempt, a.responseStatus, a.error])).toEqual([
      [1, 500, 'HTTP 500'],
      [2, 200, null],
    ]);
    expect(delivery.attemptLog[0]!.responseExcerpt).toBe('failing with 500');
    expect(delivery.attemptLog[1]!.startedAt).toBeGreaterThanOrEqual(delivery.attemptLog[0]!.startedAt + delivery.attemptLog[0]!.durationMs + 40);
  });

  it('gives up after the attempt limit, and a manual redelivery sends it once more', async () => {
    const server = await startTestServer({ webhooks: { retryDelaysMs: [20], pollIntervalMs: 20 } });
    servers.push(server);
    const receiver = await startReceiver({ statuses: [503, 503] });
    closers.push(receiver.close);
    const admin = httpClient(server);
    const appId = server.seed!.appId;
    await admin.webhooks.create({ appId, url: receiver.url, events: ['app.updated'] });
    await admin.apps.update({ id: appId, description: 'doomed' });
    const failed = await eventually(async () => (await admin.webhooks.deliveries({ appId, status: 'failed' })).items[0]);
    expect(failed).toMatchObject({ attempts: 2, attemptLimit: 2, lastStatus: 503 });
    const again = await admin.webhooks.redeliver({ appId, deliveryId: failed.id });
    expect(again.status).toBe('pending');
    const done = await eventually(async () => (await admin.webhooks.deliveries({ appId, status: 'succeeded' })).items[0]);
    expect(done.attemptLog.map((a) => a.responseStatus)).toEqual([503, 503, 200]);
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([failed.id, failed.id, failed.id]);
  });

  it('a delivery pending when the server stops is delivered after a start on the same data folder', async () => {
    const dataDir = await makeTempDir();
    const receiver = await startReceiver({ statuses: [500] });
    closers.push(receiver.close);
    const first = await startTestServer({ dataDir, webhooks: { retryDelaysMs: [800], pollIntervalMs: 20 } });
    const admin = httpClient(first);
    const appId = first.seed!.appId;
    const { secret } = await admin.webhooks.create({ appId, url: receiver.url, events: ['app.updated'] });
    await admin.apps.update({ id: appId, description: 'before the restart' });
    await receiver.waitFor(1);
    await eventually(async () => (await admin.webhooks.deliveries({ appId })).items[0]?.attempts === 1);
    await first.close();
    expect(receiver.received).toHaveLength(1);

    const second = await startTestServer({ dataDir, webhooks: { retryDelaysMs: [800], pollIntervalMs: 20 } });
    servers.push(second);
    const [, delivered] = await receiver.waitFor(2, 5000);
    expect(verified(secret, delivered!).data).toMatchObject({ appId });
    const record = await eventually(async () => (await httpClient(second).webhooks.deliveries({ appId })).items.find((d) => d.status === 'succeeded'));
    expect(record.attempts).toBe(2);
  });

  it('at most one attempt of a message is in flight, whatever races for it', async () => {
    const server = await startTestServer({ webhooks: { retryDelaysMs: [10, 10, 10], pollIntervalMs: 10 } });
    servers.push(server);
    // The receiver holds each request a second, so the redeliveries below surely meet the first attempt in flight, even on a loaded machine.
    const receiver = await startReceiver({ delayMs: 1000 });
    closers.push(receiver.close);
    const admin = httpClient(server);
    const appId = server.seed!.appId;
    await admin.webhooks.create({ appId, url: receiver.url, events: ['app.updated'] });
    // Two more workers on the same database, as two instances would be.
    const others = [1, 2].map(() => new WebhookWorker({ db: server.db, secrets: server.webhooks.secrets, activity: server.activity }, { pollIntervalMs: 5 }));
    for (const worker of others) worker.start();
    closers.push(async () => {
      for (const worker of others) await worker.stop();
    });
    await admin.apps.update({ id: appId, description: 'raced' });
    await receiver.waitFor(1);
    const delivery = (await admin.webhooks.deliveries({ appId })).items[0]!;
    // Redeliveries while the attempt is in flight are refused, not doubled.
    const redeliveries = await Promise.allSettled(Array.from({ length: 5 }, () => admin.webhooks.redeliver({ appId, deliveryId: delivery.id })));
    expect(redeliveries.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.maxInFlightPerId).toBe(1);
    const final = await eventually(async () => (await admin.webhooks.deliveries({ appId })).items.find((d) => d.status === 'succeeded' && !d.inFlight));
    expect(final.attemptLog.length).toBe(receiver.received.length);

    // The claim itself: of ten racing for a due delivery, one wins. The delivery falls due an hour from now, and
    // the racers claim as of then: the server's own worker, which polls on the real clock, cannot take it first.
    for (const worker of others) await worker.stop();
    const dueAt = Date.now() + 3_600_000;
    await server.db.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: dueAt, lease_until: null, lease_owner: null }).where('id', '=', delivery.id).execute();
    const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => claimDelivery(server.db, delivery.id, `racer_${i}`, dueAt + 1, 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });
});
