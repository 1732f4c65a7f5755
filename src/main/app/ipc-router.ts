import type { AdminResult } from '../../shared/contract/errors';
import type { IpcSenderEvent } from './ipc-sender';

/** The part of Electron's `ipcMain` the router uses; tests pass a fake. */
export interface IpcMainLike<E extends IpcSenderEvent> {
  handle(channel: string, listener: (event: E, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** Registers one-argument handlers that only ever see checked senders. */
export interface CheckedIpc<E extends IpcSenderEvent> {
  handle(channel: string, handler: (input: unknown, event: E) => unknown): void;
}

/** The answer to a caller that is not the console's own page (no handler runs): a result, never a throw, since errors lose their shape across contextBridge. */
export const UNTRUSTED: AdminResult = { ok: false, error: { code: 'forbidden', message: 'This window may not call the admin service' } };

/**
 * Wraps `ipcMain` once, as VS Code does: every handler registered through it runs only
 * after `isTrusted(event)` passed, and receives exactly one argument (the input), so a
 * caller cannot smuggle extra arguments. Registering a channel twice replaces the handler.
 *
 * @example createCheckedIpc(ipcMain, createIpcSenderCheck(location)).handle('admin:apps.list', (input) => ...)
 */
export function createCheckedIpc<E extends IpcSenderEvent>(
  ipc: IpcMainLike<E>,
  isTrusted: (event: E) => boolean,
  onRejected?: (channel: string, event: E) => void,
  refusal: (channel: string) => unknown = () => UNTRUSTED,
): CheckedIpc<E> {
  return {
    handle(channel, handler) {
      ipc.removeHandler(channel);
      ipc.handle(channel, (event, input) => {
        if (!isTrusted(event)) {
          onRejected?.(channel, event);
          return refusal(channel);
        }
        return handler(input, event);
      });
    },
  };
}
