import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { app, BrowserWindow, clipboard, ipcMain, Menu, protocol, screen, session, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { defaultDataDir } from '../paths';
import { SelectedMasterKeyStore } from '../secrets/master-key-selection';
import { startServer, type RunningServer } from '../server/server';
import { createAppProtocolHandler } from './app-protocol';
import { rendererContentSecurityPolicy, withContentSecurityPolicy } from './content-security-policy';
import { DESKTOP_HOST, DEFAULT_PORT, desktopConfig, loadDesktopSettings, saveDesktopSettings, type DesktopConfig } from './desktop-settings';
import { suggestFreePort } from './free-port';
import { createCheckedIpc, type CheckedIpc } from './ipc-router';
import { createIpcSenderCheck } from './ipc-sender';
import { buildMenuTemplate, webConsoleUrl } from './menu';
import { allowsNetworkRequest, decideNavigation, decidePermission, decideWindowOpen, externalUrl } from './navigation-policy';
import { APP_SCHEME, isRendererUrl, rendererLocation, STARTUP_URL, type RendererLocation } from './renderer-location';
import { createQuitGuard, ServerLifecycle, type ServerState } from './server-lifecycle';
import { claimSingleInstance, focusFirstInstance } from './single-instance';
import { renderStartupPage, type StartupAction } from './startup-page';
import { mainWindowOptions } from './window-options';
import { fitToDisplays, loadWindowState, saveWindowState, windowStateFrom } from './window-state';

export interface DesktopAppOptions {
  /**
   * Registers the admin service's IPC handlers on the checked router. Called once; handlers
   * read the running server through `server()` (null while it is not running), push live
   * changes with `notify`, and may run `isTrustedSender` again. Returns a function that
   * stops it, called when the app quits.
   */
  registerAdminIpc?(
    ipc: CheckedIpc<IpcMainInvokeEvent>,
    server: () => RunningServer | null,
    notify: (channel: string, payload: unknown) => void,
    isTrustedSender: (event: unknown) => boolean,
    onServerChange: (listener: () => void) => () => void,
  ): (() => void) | void;
}

/**
 * The Electron main process: one instance, one window, the authorization server started with
 * the app and closed before it quits. This is the only file (with src/main/index.ts) that
 * imports electron; the decisions live in the pure modules next to it and are tested there.
 */
export function runDesktopApp(options: DesktopAppOptions = {}): void {
  if (!claimSingleInstance(app)) return;
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
  const location = rendererLocation(process.env.ELECTRON_RENDERER_URL, app.isPackaged);
  app.whenReady().then(
    () => start(location, options),
    (err: unknown) => fatal(err),
  );
}

function fatal(err: unknown): void {
  console.error(`oauth-console: ${(err as Error)?.message ?? String(err)}`);
  app.exit(1);
}

async function start(location: RendererLocation, options: DesktopAppOptions): Promise<void> {
  const dataDir = defaultDataDir(process.env);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  let config: DesktopConfig | null = null;
  let configError: string | null = null;
  try {
    config = desktopConfig(process.env, await loadDesktopSettings(dataDir), dataDir);
  } catch (err) {
    configError = (err as Error).message;
  }
  const keychain = config?.keychain ?? 'auto';
  const lifecycle = new ServerLifecycle<RunningServer>({
    start: (port) =>
      startServer({
        dataDir,
        port,
        host: DESKTOP_HOST,
        masterKeyStore: new SelectedMasterKeyStore({ dataDir, mode: keychain }),
        log: (line) => console.log(line),
        alert: (line) => console.error(line),
        onFatal: (err) => void lifecycle.stoppedByItself(err.message),
      }),
    suggestPort: suggestFreePort,
  });
  let window: BrowserWindow | null = null;
  let port = config?.port ?? DEFAULT_PORT;

  hardenSession(location);
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({
      rendererDir: location.dev ? null : join(import.meta.dirname, '../renderer'),
      rendererCsp: rendererContentSecurityPolicy(location),
      startupPage: () => renderStartupPage(configError ? { status: 'failed', port, message: configError } : lifecycle.state, { host: DESKTOP_HOST, dataDir }),
      onStartupAction: (action: StartupAction) => {
        configError = null;
        if (action.kind === 'use-port') {
          port = action.port;
          void saveDesktopSettings(dataDir, { port }).catch((err: Error) => console.error(`cannot save the port: ${err.message}`));
        }
        void lifecycle.start(port);
      },
    }),
  );

  const isTrustedSender = createIpcSenderCheck(location);
  const ipc = createCheckedIpc<IpcMainInvokeEvent>(
    ipcMain,
    isTrustedSender,
    (channel, event) => console.warn(`refused IPC on ${channel} from ${event.senderFrame?.url ?? 'a closed frame'}`),
  );
  const stopAdminIpc = options.registerAdminIpc?.(
    ipc,
    () => lifecycle.server,
    (channel, payload) => {
      if (window && !window.isDestroyed() && isRendererUrl(window.webContents.getURL(), location)) window.webContents.send(channel, payload);
    },
    (event) => isTrustedSender(event as IpcMainInvokeEvent),
    (listener) => lifecycle.subscribe(() => listener()),
  );

  const showState = (state: ServerState) => {
    setMenu(state);
    if (!window || window.isDestroyed()) return;
    void window.loadURL(state.status === 'running' ? location.entryUrl : STARTUP_URL).catch(() => undefined);
  };

  const setMenu = (state: ServerState) => {
    const running = lifecycle.server;
    const template = buildMenuTemplate(
      { platform: process.platform, dev: location.dev, serverRunning: state.status === 'running', appName: app.name },
      {
        copyIssuerUrl: () => running && clipboard.writeText(running.issuer),
        openWebConsole: () => {
          const url = running && externalUrl(webConsoleUrl(running.issuer, running.adminToken));
          if (url) void shell.openExternal(url);
        },
        openDataFolder: () => void shell.openPath(dataDir),
        reload: () => window?.webContents.reload(),
        toggleDevTools: () => location.dev && window?.webContents.toggleDevTools(),
      },
    );
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  const openWindow = async () => {
    const saved = fitToDisplays(
      await loadWindowState(dataDir),
      screen.getAllDisplays().map((display) => display.workArea),
    );
    const created = new BrowserWindow(mainWindowOptions({ preloadPath: join(import.meta.dirname, '../preload/index.cjs'), state: saved, dev: location.dev }));
    window = created;
    if (saved.maximized) created.maximize();
    created.once('ready-to-show', () => created.show());
    let saveTimer: NodeJS.Timeout | undefined;
    const remember = () => {
      if (created.isDestroyed()) return;
      const state = windowStateFrom(created.getNormalBounds(), created.isMaximized());
      void saveWindowState(dataDir, state).catch(() => undefined);
    };
    const rememberSoon = () => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(remember, 500);
    };
    created.on('resize', rememberSoon);
    created.on('move', rememberSoon);
    created.on('maximize', rememberSoon);
    created.on('unmaximize', rememberSoon);
    created.on('close', () => {
      clearTimeout(saveTimer);
      remember();
    });
    created.on('closed', () => {
      if (window === created) window = null;
    });
    showState(configError ? { status: 'failed', port, message: configError } : lifecycle.state);
  };

  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, location));
  app.on('second-instance', () => focusFirstInstance(window, () => void openWindow()));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on(
    'before-quit',
    createQuitGuard(
      () => {
        stopAdminIpc?.();
        return lifecycle.stop();
      },
      () => app.quit(),
    ),
  );

  lifecycle.subscribe(showState);
  await openWindow();
  if (!configError) await lifecycle.start(port);
}

/** Permissions, CSP headers and network requests for the default session. */
function hardenSession(location: RendererLocation): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(decidePermission(permission, details.requestingUrl, location)));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => decidePermission(permission, details.requestingUrl ?? requestingOrigin, location));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
    callback({ cancel: !allowsNetworkRequest(details.url, details.resourceType, location) });
  });
  if (location.dev) {
    // The dev server's pages get the same policy the app:// handler sends in production.
    const policy = rendererContentSecurityPolicy(location);
    ses.webRequest.onHeadersReceived({ urls: [`${location.origin}/*`] }, (details, callback) => {
      callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders, policy) });
    });
  }
}

/** Navigation, new windows and webviews, for every web contents the app creates. */
function guardWebContents(contents: WebContents, location: RendererLocation): void {
  contents.on('will-frame-navigate', (event) => {
    const decision = decideNavigation(event.url, location);
    if (decision.allow && event.isMainFrame) return;
    event.preventDefault();
    if (decision.openExternally && event.isMainFrame) void shell.openExternal(decision.openExternally);
  });
  contents.on('will-redirect', (event) => {
    if (!decideNavigation(event.url, location).allow) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) void shell.openExternal(decision.openExternally);
    return { action: decision.action };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
