import type { MenuItemConstructorOptions } from 'electron';

/** What the menu items do; the shell passes functions bound to the window and the server. */
export interface MenuActions {
  copyIssuerUrl(): void;
  openWebConsole(): void;
  openDataFolder(): void;
  reload(): void;
  toggleDevTools(): void;
}

export interface MenuContext {
  platform: NodeJS.Platform;
  /** Developer tools only in development. */
  dev: boolean;
  /** Issuer items are disabled while the server is not running. */
  serverRunning: boolean;
  appName: string;
}

/**
 * The application menu. Keyboard shortcuts stand in for a tray: copy the issuer URL
 * (Shift+CmdOrCtrl+C), open the web console in the browser (Shift+CmdOrCtrl+O),
 * open the data folder, reload (CmdOrCtrl+R); developer tools only in development.
 */
export function buildMenuTemplate(context: MenuContext, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = context.platform === 'darwin';
  const server: MenuItemConstructorOptions[] = [
    { id: 'copy-issuer-url', label: 'Copy Issuer URL', accelerator: 'Shift+CmdOrCtrl+C', enabled: context.serverRunning, click: () => actions.copyIssuerUrl() },
    { id: 'open-web-console', label: 'Open Web Console in Browser', accelerator: 'Shift+CmdOrCtrl+O', enabled: context.serverRunning, click: () => actions.openWebConsole() },
    { id: 'open-data-folder', label: 'Open Data Folder', click: () => actions.openDataFolder() },
  ];
  const view: MenuItemConstructorOptions[] = [
    { id: 'reload', label: 'Reload', accelerator: 'CmdOrCtrl+R', click: () => actions.reload() },
    ...(context.dev ? [{ id: 'toggle-devtools', label: 'Toggle Developer Tools', accelerator: mac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I', click: () => actions.toggleDevTools() }] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac
      ? [
          {
            label: context.appName,
            submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    { label: mac ? 'Server' : 'File', submenu: [...server, ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }])] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
  ];
}

/** Every menu item id and role in a template, depth first; tests use it to look for what must not be there. */
export function menuEntries(template: MenuItemConstructorOptions[]): string[] {
  return template.flatMap((item) => [
    ...(item.id ? [item.id] : []),
    ...(item.role ? [item.role] : []),
    ...(Array.isArray(item.submenu) ? menuEntries(item.submenu) : []),
  ]);
}

/**
 * The web console of a running server, signed in: the admin token rides in the URL fragment,
 * which browsers never send to the server; the console moves it into session storage and
 * removes it from the address bar.
 *
 * @example webConsoleUrl('http://127.0.0.1:9090', 'oc_adm_x') // 'http://127.0.0.1:9090/console/#token=oc_adm_x'
 */
export function webConsoleUrl(issuer: string, adminToken: string): string {
  return `${issuer}/console/#token=${encodeURIComponent(adminToken)}`;
}
