import { describe, expect, it, vi } from 'vitest';
import { BRIDGE_GLOBAL, createConsoleBridge, type IpcRendererLike } from '../../src/preload/bridge';
import { PROCEDURE_NAMES } from '../../src/shared/contract';

function fakeIpc(): IpcRendererLike & { invoke: ReturnType<typeof vi.fn>; listeners: Map<string, Set<(event: unknown, ...args: unknown[]) => void>> } {
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  return {
    listeners,
    invoke: vi.fn(async (channel: string, input: unknown) => ({ ok: true, data: { channel, input } })),
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
}

describe('the preload bridge', () => {
  it('is what the console looks for, and carries nothing but call and onChange', () => {
    const bridge = createConsoleBridge(fakeIpc());
    expect(BRIDGE_GLOBAL).toBe('oauthConsole');
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onChange']);
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('sends each contract procedure on its own channel with exactly one argument', async () => {
    const ipc = fakeIpc();
    const bridge = createConsoleBridge(ipc);
    for (const procedure of PROCEDURE_NAMES) {
      await bridge.call(procedure, { n: 1 });
      expect(ipc.invoke).toHaveBeenLastCalledWith(`admin:${procedure}`, { n: 1 });
    }
    expect(ipc.invoke).toHaveBeenCalledTimes(PROCEDURE_NAMES.length);
    await (bridge.call as (...args: unknown[]) => Promise<unknown>)('apps.list', { a: 1 }, 'smuggled');
    expect(ipc.invoke.mock.lastCall).toEqual(['admin:apps.list', { a: 1 }]);
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const ipc = fakeIpc();
    const bridge = createConsoleBridge(ipc);
    for (const name of ['changes', 'admin:apps.list', '__proto__', 'toString', 'shell.openExternal', '']) {
      expect(await bridge.call(name, {})).toMatchObject({ ok: false, error: { code: 'unknown_procedure' } });
    }
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('forwards live changes without the IPC event, and unsubscribes', () => {
    const ipc = fakeIpc();
    const bridge = createConsoleBridge(ipc);
    const listener = vi.fn();
    const stop = bridge.onChange(listener);
    const [forward] = ipc.listeners.get('admin:changes')!;
    forward!({ sender: 'the ipcRenderer event' }, { id: 7, kind: 'apps' });
    expect(listener).toHaveBeenCalledWith({ id: 7, kind: 'apps' });
    expect(listener.mock.calls[0]).toHaveLength(1);
    stop();
    expect(ipc.listeners.get('admin:changes')!.size).toBe(0);
    expect(() => bridge.onChange('nope' as unknown as () => void)).toThrow(TypeError);
  });
});
