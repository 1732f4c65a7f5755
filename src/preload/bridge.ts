import { ADMIN_CHANGES_CHANNEL, ipcChannel, isProcedureName, type AdminResult } from '../shared/contract';

/** The part of Electron's `ipcRenderer` the bridge uses; tests pass a fake. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * What the console sees on `window.oauthConsole`: the admin contract and nothing else.
 * `call` resolves with the transport result (`{ ok, data }` or `{ ok: false, error }`), which
 * the renderer unwraps into the typed client's output or an AdminError: an error thrown across
 * contextBridge would keep only its message, losing the code and field errors.
 */
export interface ConsoleBridge {
  call(procedure: string, input: unknown): Promise<unknown>;
  onChange(listener: (change: unknown) => void): () => void;
}

/**
 * Builds the bridge over `ipcRenderer`. Only the contract's procedures get through, each on its
 * own channel (`admin:<procedure>`) with exactly one argument; `ipcRenderer` itself, its events
 * and any other channel stay in the preload.
 */
export function createConsoleBridge(ipc: IpcRendererLike): ConsoleBridge {
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

/** The global the console looks for (`window.oauthConsole`). */
export const BRIDGE_GLOBAL = 'oauthConsole';
