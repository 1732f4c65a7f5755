import { registerAdminIpc } from './app/admin-ipc';
import { runDesktopApp } from './app/electron-shell';

runDesktopApp({
  registerAdminIpc: (ipc, server, notify, isTrustedSender) => registerAdminIpc(ipc, server, notify, { isTrustedSender, log: (line) => console.log(line) }),
});
