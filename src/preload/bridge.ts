import { ADMIN_CHANGES_CHANNEL, ipcChannel, isProcedureName, type AdminResult } from '../shared/contract';
import { BRIDGE_GLOBAL, type ConsoleBridge } from '../shared/contract/bridge';

/** The part of Electron's `ipcRenderer` the bridge uses; tests pass a fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The bridge as the preload builds it: live changes always offered. */
export type PreloadBridge = Required<ConsoleBridge>;

/**
 * Builds the bridge over `ipcRenderer`. Only the contract's procedures get through, each on its
 * own channel (`admin:<procedure>`) with exactly one argument; `ipcRenderer` itself, its events
 * and any other channel stay in the preload.
 */
export function createConsoleBridge(ipc: IpcRendererLike): PreloadBridge {
  return Object.freeze({
    call(procedure: string, input: unknown): Promise<unknown> {
      if (!isProcedureName(procedure)) {
        const result: AdminResult = { ok: false, error: { code: 'unknown_procedure', message: `No admin procedure is called ${String(procedure)}` } };
        return Promise.resolve(result);
      }
      return ipc.invoke(ipcChannel(procedure), input);
    },
    onChange(listener: (change: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onChange needs a function');
      const forward = (_event: unknown, change: unknown) => listener(change);
      ipc.on(ADMIN_CHANGES_CHANNEL, forward);
      return () => {
        ipc.removeListener(ADMIN_CHANGES_CHANNEL, forward);
      };
    },
  });
}

export { BRIDGE_GLOBAL };
