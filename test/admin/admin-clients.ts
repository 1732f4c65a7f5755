import { createCheckedIpc } from '../../src/main/app/ipc-router';
import type { IpcSenderEvent } from '../../src/main/app/ipc-sender';
import { registerAdminIpc } from '../../src/main/app/admin-ipc';
import { createConsoleBridge } from '../../src/preload/bridge';
import type { RunningServer } from '../../src/main/server/server';
import { createAdminClient, createHttpTransport, unwrapAdminResult, type AdminClient } from '../../src/shared/contract';

/** The console's page in the desktop window, as Electron describes the sender of an IPC call. */
export const CONSOLE_FRAME: IpcSenderEvent = { senderFrame: { url: 'app://console/index.html', parent: null } };

/**
 * A stand-in for Electron's ipcMain/ipcRenderer pair: handlers registered
 * with `handle(channel, (event, ...args))`, invoked with an event, and
 * every value crossing the boundary is structured-cloned like real IPC.
 */
export class FakeIpcMain {
  readonly handlers = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => unknown>();

  handle(channel: string, listener: (event: IpcSenderEvent, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  async invoke(channel: string, event: IpcSenderEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await listener(event, ...args.map((a) => structuredClone(a))));
  }
}

/** Only the console's top frame is trusted (what the shell's sender check decides). */
export function isConsoleFrame(event: IpcSenderEvent): boolean {
  return event.senderFrame?.url === CONSOLE_FRAME.senderFrame!.url && event.senderFrame?.parent === null;
}

export interface IpcHarness {
  client: AdminClient;
  ipcMain: FakeIpcMain;
  notifications: Array<{ channel: string; payload: unknown }>;
  stop(): void;
}

/** The admin client as the desktop window gets it: the preload's bridge, the shell's checked router, the admin handlers. */
export function ipcHarness(server: () => RunningServer | null): IpcHarness {
  const ipcMain = new FakeIpcMain();
  const notifications: Array<{ channel: string; payload: unknown }> = [];
  const checked = createCheckedIpc(ipcMain, isConsoleFrame);
  const stop = registerAdminIpc(checked, server, (channel, payload) => notifications.push({ channel, payload: structuredClone(payload) }));
  const bridge = createConsoleBridge({
    invoke: (channel, ...args) => ipcMain.invoke(channel, CONSOLE_FRAME, ...args),
    on: () => undefined,
    removeListener: () => undefined,
  });
  const client = createAdminClient(async (procedure, input) => unwrapAdminResult(await bridge.call(procedure, input)));
  return { client, ipcMain, notifications, stop };
}

/** The admin client as the web console and scripts get it: HTTP with the admin token. */
export function httpClient(server: RunningServer): AdminClient {
  return createAdminClient(createHttpTransport({ baseUrl: server.issuer, token: server.adminToken }));
}
