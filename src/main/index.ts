import { registerAdminIpc } from './app/admin-ipc';
import { runDesktopApp } from './app/electron-shell';

runDesktopApp({
  registerAdminIpc: (ipc, server, notify, isTrustedSender, onServerChange) => registerAdminIpc(ipc, server, notify, { isTrustedSender, onServerChange, log: (line) => console.log(line) }),
});
