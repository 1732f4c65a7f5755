import { ADMIN_CHANGES_CHANNEL, ipcChannel, PROCEDURE_NAMES } from '../../shared/contract/procedures';
import type { AdminResult } from '../../shared/contract/errors';
import type { AdminServer } from '../admin/context';
import { subscribeChanges } from '../admin/changes';
import { createAdminDispatcher, type AdminDispatch } from '../admin/dispatch';
import { UNTRUSTED } from './ipc-router';
import { createAdminHandlers } from '../admin/handlers';

/**
 * Where handlers are registered: the shell's checked IPC router
 * (src/main/app/ipc-router.ts), which has already refused untrusted senders
 * and hands over exactly one argument, the input.
 */
export interface AdminIpcRegistrar {
  handle(channel: string, handler: (input: unknown, event: unknown) => unknown): void;
}

export interface AdminIpcOptions {
  /** A second sender check run by every handler (defence in depth); refused calls get `forbidden`. */
  isTrustedSender?: (event: unknown) => boolean;
  /**
   * Subscribes to the server's lifecycle (the desktop's `ServerLifecycle.subscribe`): on every
   * start and stop the changes of the new server are followed. Calls follow the current server too.
   */
  onServerChange?: (listener: () => void) => () => void;
  log?: (line: string) => void;
}

const NOT_RUNNING: AdminResult = { ok: false, error: { code: 'unavailable', message: 'The authorization server is not running' } };

/**
 * Registers one channel per procedure (`admin:apps.list`, ...), no
 * catch-all: each validates its input and output through the dispatcher and
 * answers with an AdminResult (errors keep their code and fields across
 * contextBridge). Live changes of the current server go to
 * `notify('admin:changes', change)`; the server may stop and start again.
 * Returns a function that stops following changes.
 *
 * @example registerAdminIpc(checkedIpc, () => lifecycle.server, (channel, payload) => win.webContents.send(channel, payload))
 */
export function registerAdminIpc(
  ipc: AdminIpcRegistrar,
  server: () => AdminServer | null,
  notify: (channel: string, payload: unknown) => void,
  options: AdminIpcOptions = {},
): () => void {
  const dispatchers = new WeakMap<AdminServer, AdminDispatch>();
  const dispatcherFor = (running: AdminServer): AdminDispatch => {
    let dispatch = dispatchers.get(running);
    if (!dispatch) dispatchers.set(running, (dispatch = createAdminDispatcher(createAdminHandlers(running), running.activity, options.log)));
    return dispatch;
  };

  for (const procedure of PROCEDURE_NAMES) {
    ipc.handle(ipcChannel(procedure), async (input, event): Promise<AdminResult> => {
      if (options.isTrustedSender && !options.isTrustedSender(event)) return UNTRUSTED;
      const running = server();
      if (!running) return NOT_RUNNING;
      follow();
      return dispatcherFor(running)(procedure, input);
    });
  }

  let followed: AdminServer | null = null;
  let stopped = false;
  let unsubscribe: () => void = () => undefined;
  const follow = () => {
    if (stopped) return;
    const running = server();
    if (running === followed) return;
    unsubscribe();
    followed = running;
    unsubscribe = running ? subscribeChanges(running.activity, (change) => notify(ADMIN_CHANGES_CHANNEL, change)) : () => undefined;
  };
  follow();
  const unwatch = options.onServerChange?.(follow) ?? (() => undefined);
  return () => {
    stopped = true;
    unwatch();
    unsubscribe();
    followed = null;
  };
}
