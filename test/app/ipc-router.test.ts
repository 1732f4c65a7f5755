import { describe, expect, it, vi } from 'vitest';
import { createCheckedIpc, type IpcMainLike } from '../../src/main/app/ipc-router';
import { createIpcSenderCheck, type IpcSenderEvent } from '../../src/main/app/ipc-sender';
import { rendererLocation } from '../../src/main/app/renderer-location';

class FakeIpcMain implements IpcMainLike<IpcSenderEvent> {
  readonly handlers = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(channel: string, url: string | null, ...args: unknown[]): unknown {
    const event = { senderFrame: url === null ? null : { url, parent: null } };
    return this.handlers.get(channel)!(event, ...args);
  }
}

describe('the checked IPC router', () => {
  const location = rendererLocation(undefined, true);

  it('runs handlers for the console page with exactly one argument', async () => {
    const ipc = new FakeIpcMain();
    const handler = vi.fn((input: unknown) => ({ ok: true, data: input }));
    createCheckedIpc(ipc, createIpcSenderCheck(location)).handle('admin:apps.list', handler);
    expect(ipc.invoke('admin:apps.list', 'app://console/index.html', { search: 'x' }, 'extra', 'args')).toEqual({ ok: true, data: { search: 'x' } });
    expect(handler).toHaveBeenCalledWith({ search: 'x' }, expect.anything());
    expect(handler.mock.calls[0]).toHaveLength(2);
  });

  it('refuses every other sender before the handler runs, with a forbidden result (never a throw)', () => {
    const ipc = new FakeIpcMain();
    const handler = vi.fn();
    const rejected = vi.fn();
    createCheckedIpc(ipc, createIpcSenderCheck(location), rejected).handle('admin:apps.delete', handler);
    for (const url of ['https://evil.example/', 'app://console/_shell/startup', 'file:///index.html', null]) {
      expect(ipc.invoke('admin:apps.delete', url, { id: 'app_1' })).toEqual({ ok: false, error: { code: 'forbidden', message: 'This window may not call the admin service' } });
    }
    expect(handler).not.toHaveBeenCalled();
    expect(rejected).toHaveBeenCalledTimes(4);
  });

  it('answers a refused sender with the given refusal instead of throwing, still before the handler', () => {
    const ipc = new FakeIpcMain();
    const handler = vi.fn();
    createCheckedIpc(ipc, createIpcSenderCheck(location), undefined, (channel) => ({ ok: false, error: { code: 'forbidden', message: `no ${channel}` } })).handle('admin:apps.delete', handler);
    expect(ipc.invoke('admin:apps.delete', 'https://evil.example/', { id: 'app_1' })).toEqual({ ok: false, error: { code: 'forbidden', message: 'no admin:apps.delete' } });
    expect(handler).not.toHaveBeenCalled();
  });

  it('replaces a handler registered twice (a restarted server)', () => {
    const ipc = new FakeIpcMain();
    const router = createCheckedIpc(ipc, () => true);
    router.handle('c', () => 1);
    router.handle('c', () => 2);
    expect(ipc.invoke('c', 'app://console/')).toBe(2);
  });
});
