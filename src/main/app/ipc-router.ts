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

/** Thrown to a caller that is not the console's own page; no handler runs. */
export class UntrustedSenderError extends Error {
  override name = 'UntrustedSenderError';
}

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
  refusal?: (channel: string) => unknown,
): CheckedIpc<E> {
  return {
    handle(channel, handler) {
      ipc.removeHandler(channel);
      ipc.handle(channel, (event, input) => {
        if (!isTrusted(event)) {
          onRejected?.(channel, event);
          // With `refusal`, the caller gets an answer it can read (errors lose their shape across
          // contextBridge); without, an error.
          if (refusal) return refusal(channel);
          throw new UntrustedSenderError(`IPC call on ${channel} refused: the sender is not the console`);
        }
        return handler(input, event);
      });
    },
  };
}
