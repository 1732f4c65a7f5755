import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckedIpc } from '../../src/main/app/ipc-router';
import { registerAdminIpc } from '../../src/main/app/admin-ipc';
import type { RunningServer } from '../../src/main/server/server';
import { ADMIN_CHANGES_CHANNEL, ipcChannel, PROCEDURE_NAMES, type AdminResult, type ChangeEvent } from '../../src/shared/contract';
import { startTestServer, type TestServer } from '../helpers/server';
import { CONSOLE_FRAME, FakeIpcMain, ipcHarness, isConsoleFrame } from './admin-clients';

const waitFor = async (check: () => boolean, ms = 2000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the admin IPC registration', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('registers one channel per procedure of the contract and nothing else', () => {
    const harness = ipcHarness(() => server);
    try {
      expect([...harness.ipcMain.handlers.keys()].sort()).toEqual(PROCEDURE_NAMES.map(ipcChannel).sort());
      expect([...harness.ipcMain.handlers.keys()].every((c) => /^admin:[a-zA-Z]+\.[a-zA-Z]+$/.test(c))).toBe(true);
    } finally {
      harness.stop();
    }
  });

  it('answers every call with a structured result that survives structured cloning', async () => {
    const harness = ipcHarness(() => server);
    try {
      const ok = (await harness.ipcMain.invoke('admin:server.status', CONSOLE_FRAME, {})) as AdminResult;
      expect(ok).toMatchObject({ ok: true, data: { issuer: server.issuer } });
      const bad = (await harness.ipcMain.invoke('admin:apps.create', CONSOLE_FRAME, { name: 42 })) as AdminResult;
      expect(bad.ok).toBe(false);
      expect(!bad.ok && bad.error.code).toBe('invalid_input');
      expect(!bad.ok && bad.error.fields?.map((f) => f.field)).toEqual(expect.arrayContaining(['workspaceId', 'name', 'scopes']));
      const extra = (await harness.ipcMain.invoke('admin:apps.list', CONSOLE_FRAME, { limit: 5 }, 'smuggled')) as AdminResult;
      expect(extra.ok).toBe(true);
    } finally {
      harness.stop();
    }
  });

  it('runs no handler for a sender that is not the console page', async () => {
    const harness = ipcHarness(() => server);
    try {
      await server.activity.flush();
      const before = (await server.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow()).c;
      const intruders = [
        { senderFrame: { url: 'app://console/index.html', parent: {} } },
        { senderFrame: { url: 'https://evil.example/', parent: null } },
        { senderFrame: null },
      ];
      for (const event of intruders) {
        // Refused before any handler runs, as an answer the window can read (not an error that loses its shape).
        await expect(harness.ipcMain.invoke('admin:apps.create', event, { workspaceId: server.seed!.workspaceId, name: 'Intruder', scopes: ['openid'], redirectUris: ['https://x.example/cb'] })).resolves.toEqual({
          ok: false,
          error: { code: 'forbidden', message: 'This window may not call the admin service' },
        });
      }
      await server.activity.flush();
      const after = (await server.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('c')).executeTakeFirstOrThrow()).c;
      expect(after).toBe(before);
      expect((await server.db.selectFrom('apps').select('id').where('name', '=', 'Intruder').execute()).length).toBe(0);
    } finally {
      harness.stop();
    }
  });

  it('checks the sender a second time when given a check of its own', async () => {
    const ipcMain = new FakeIpcMain();
    const stop = registerAdminIpc(createCheckedIpc(ipcMain, () => true), () => server, () => undefined, { isTrustedSender: (event) => isConsoleFrame(event as never) });
    try {
      const refused = (await ipcMain.invoke('admin:server.status', { senderFrame: { url: 'https://evil.example/', parent: null } }, {})) as AdminResult;
      expect(refused).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
      expect(((await ipcMain.invoke('admin:server.status', CONSOLE_FRAME, {})) as AdminResult).ok).toBe(true);
    } finally {
      stop();
    }
  });

  it('follows a server that starts when the lifecycle says so, before any call', async () => {
    let current: RunningServer | null = null;
    const listeners: Array<() => void> = [];
    const pushed: unknown[] = [];
    const stop = registerAdminIpc(createCheckedIpc(new FakeIpcMain(), () => true), () => current, (_channel, payload) => pushed.push(payload), {
      onServerChange: (listener) => {
        listeners.push(listener);
        return () => listeners.splice(listeners.indexOf(listener), 1);
      },
    });
    try {
      current = server;
      for (const listener of listeners) listener();
      server.activity.record({ type: 'workspace.created', detail: {} });
      await waitFor(() => pushed.some((p) => (p as ChangeEvent).type === 'workspace.created'));
    } finally {
      stop();
    }
    expect(listeners).toHaveLength(0);
  });

  it('answers unavailable while the server is down and follows the server that comes up next', async () => {
    let current: RunningServer | null = null;
    const harness = ipcHarness(() => current);
    const second = await startTestServer();
    try {
      const down = (await harness.ipcMain.invoke('admin:server.status', CONSOLE_FRAME, {})) as AdminResult;
      expect(down).toEqual({ ok: false, error: { code: 'unavailable', message: 'The authorization server is not running' } });

      current = server;
      expect((await harness.client.server.status()).issuer).toBe(server.issuer);
      await harness.client.workspaces.create({ name: 'Followed One' });
      await waitFor(() => harness.notifications.some((n) => (n.payload as ChangeEvent).type === 'workspace.created'));

      current = second;
      await new Promise((r) => setTimeout(r, 60));
      harness.notifications.length = 0;
      expect((await harness.client.server.status()).issuer).toBe(second.issuer);
      await harness.client.users.create({ email: 'followed@example.test', name: 'Followed' });
      await waitFor(() => harness.notifications.length > 0);
      expect(harness.notifications).toEqual([{ channel: ADMIN_CHANGES_CHANNEL, payload: expect.objectContaining({ type: 'user.created', topics: ['activity', 'identity'] }) }]);

      await server.activity.flush();
      await harness.client.call('settings.update', { idTokenTtl: 1200 });
      await second.activity.flush();
      await new Promise((r) => setTimeout(r, 30));
      expect(harness.notifications.map((n) => (n.payload as ChangeEvent).type)).toEqual(['user.created', 'settings.updated']);

      harness.stop();
      harness.notifications.length = 0;
      await harness.client.users.create({ email: 'unheard@example.test', name: 'Unheard' });
      await second.activity.flush();
      await new Promise((r) => setTimeout(r, 60));
      expect(harness.notifications).toEqual([]);
    } finally {
      harness.stop();
      await second.dispose();
    }
  });
});
