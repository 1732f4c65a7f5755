import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../secrets/temp-dir';

/**
 * The glue in src/main/app/electron-shell.ts, run against a fake `electron` module (the
 * binary cannot start here): it must wire the tested policies into Electron and drive the
 * real server. vi.mock replaces the module, so the electron package is never loaded.
 */
type Listener = (...args: any[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener) {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}

class FakeWebContents extends Emitter {
  url = '';
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  readonly sent: Array<[string, unknown]> = [];
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
  getURL() {
    return this.url;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  reload() {}
  toggleDevTools() {}
}

const fake = vi.hoisted(() => ({
  state: {
    lock: true,
    windows: [] as any[],
    menus: [] as any[],
    opened: [] as string[],
    clipboard: [] as string[],
    ipc: new Map<string, (...args: any[]) => unknown>(),
    protocolHandler: undefined as undefined | ((request: Request) => Promise<Response>),
    privileged: [] as any[],
    sandbox: false,
    quit: 0,
    session: {} as Record<string, any>,
    readyResolve: undefined as undefined | (() => void),
    app: undefined as any,
  },
}));

vi.mock('electron', () => {
  const s = fake.state;
  const app = new (class extends Emitter {
    isPackaged = true;
    name = 'OAuth Console';
    ready = new Promise<void>((resolve) => (s.readyResolve = resolve));
    requestSingleInstanceLock = () => s.lock;
    enableSandbox = () => void (s.sandbox = true);
    whenReady = () => this.ready;
    quit = () => {
      s.quit += 1;
      const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
      this.emit('before-quit', event);
    };
    exit = () => undefined;
  })();
  s.app = app;
  class BrowserWindow extends Emitter {
    static getAllWindows = () => s.windows.filter((w) => !w.destroyed);
    readonly webContents = new FakeWebContents();
    destroyed = false;
    shown = false;
    loads: string[] = [];
    constructor(readonly options: any) {
      super();
      s.windows.push(this);
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadURL(url: string) {
      this.loads.push(url);
      this.webContents.url = url;
      return Promise.resolve();
    }
    show() {
      this.shown = true;
    }
    maximize() {}
    isDestroyed() {
      return this.destroyed;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    isMaximized() {
      return false;
    }
    getNormalBounds() {
      return { x: 10, y: 20, width: 1000, height: 700 };
    }
  }
  const webRequest = {
    onBeforeRequest: (filter: unknown, handler: Listener) => (s.session.beforeRequest = handler),
    onHeadersReceived: (filter: unknown, handler: Listener) => (s.session.headersReceived = handler),
  };
  return {
    app,
    BrowserWindow,
    clipboard: { writeText: (text: string) => s.clipboard.push(text) },
    ipcMain: { handle: (channel: string, fn: Listener) => s.ipc.set(channel, fn), removeHandler: (channel: string) => s.ipc.delete(channel) },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: (menu: unknown) => s.menus.push(menu) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => s.privileged.push(...schemes),
      handle: (_scheme: string, handler: (request: Request) => Promise<Response>) => (s.protocolHandler = handler),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => (s.session.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Listener) => (s.session.permissionCheck = handler),
        setDevicePermissionHandler: (handler: Listener) => (s.session.devicePermission = handler),
        webRequest,
      },
    },
    shell: { openExternal: async (url: string) => void s.opened.push(url), openPath: async (path: string) => void s.opened.push(path) },
  };
});

function occupy(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

describe('the Electron glue, against a fake electron module and the real server', () => {
  const s = fake.state;
  let dataDir: string;
  let blocker: Server;
  let busyPort: number;
  const env = { ...process.env };

  beforeAll(async () => {
    dataDir = await makeTempDir();
    blocker = await occupy();
    busyPort = (blocker.address() as { port: number }).port;
    process.env.OAUTH_CONSOLE_DATA_DIR = dataDir;
    process.env.OAUTH_CONSOLE_PORT = String(busyPort);
    process.env.OAUTH_CONSOLE_KEYCHAIN = 'off';
    delete process.env.ELECTRON_RENDERER_URL;
  });
  afterAll(async () => {
    process.env = env;
    blocker.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const window = () => s.windows[0];
  const lastMenuItem = (id: string) => {
    const find = (items: any[]): any => items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? [find(i.submenu)] : [])]).find((i) => i?.id === id);
    return find(s.menus.at(-1));
  };

  it('before ready: takes the single-instance lock, turns on the sandbox, registers app:// as a secure scheme', async () => {
    const { runDesktopApp } = await import('../../src/main/app/electron-shell');
    const { registerAdminIpc } = await import('../../src/main/app/admin-ipc');
    const registered: unknown[] = [];
    runDesktopApp({
      registerAdminIpc: (ipc, server, notify, isTrustedSender, onServerChange) => {
        registered.push(ipc);
        return registerAdminIpc(ipc, server, notify, { isTrustedSender, onServerChange });
      },
    });
    expect(s.sandbox).toBe(true);
    expect(s.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    s.readyResolve!();
    await vi.waitFor(() => expect(window()?.loads.length).toBeGreaterThan(0));
    expect(registered).toHaveLength(1);
  });

  it('opens one secure window, hardens the session and guards navigation', async () => {
    const prefs = window().options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, devTools: false });
    expect(prefs.preload).toMatch(/preload\/index\.cjs$/);
    let granted: boolean | undefined;
    s.session.permissionRequest({}, 'media', (ok: boolean) => (granted = ok), { requestingUrl: 'app://console/index.html' });
    expect(granted).toBe(false);
    expect(s.session.devicePermission()).toBe(false);
    let cancel: boolean | undefined;
    s.session.beforeRequest({ url: 'https://evil.example/x.js', resourceType: 'script' }, (r: { cancel: boolean }) => (cancel = r.cancel));
    expect(cancel).toBe(true);

    const contents: FakeWebContents = window().webContents;
    const navigation = { url: 'https://example.com/docs', isMainFrame: true, prevented: false, preventDefault() { this.prevented = true; } };
    contents.emit('will-frame-navigate', navigation);
    expect(navigation.prevented).toBe(true);
    await vi.waitFor(() => expect(s.opened).toContain('https://example.com/docs'));
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    const webview = { prevented: false, preventDefault() { this.prevented = true; } };
    contents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
  });

  it('shows the port-busy page when the configured port is taken, and starts on the port the user picks', async () => {
    const startupPage = async () => (await s.protocolHandler!(new Request('app://console/_shell/startup'))).text();
    await vi.waitFor(async () => expect(await startupPage()).toContain(`Port ${busyPort} is in use`), { timeout: 10_000 });
    expect(window().loads.at(-1)).toBe('app://console/_shell/startup');
    expect(lastMenuItem('copy-issuer-url').enabled).toBe(false);

    const free = await occupy();
    const chosen = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    const answer = await s.protocolHandler!(new Request(`app://console/_shell/startup/use-port?port=${chosen}`));
    expect(answer.status).toBe(303);
    await vi.waitFor(() => expect(window().loads.at(-1)).toBe('app://console/index.html'), { timeout: 10_000 });
    expect((await fetch(`http://127.0.0.1:${chosen}/healthz`)).status).toBe(200);

    lastMenuItem('copy-issuer-url').click();
    expect(s.clipboard).toEqual([`http://127.0.0.1:${chosen}`]);
    lastMenuItem('open-web-console').click();
    await vi.waitFor(() => expect(s.opened.find((url) => url.startsWith(`http://127.0.0.1:${chosen}/console/#token=`))).toBeDefined());
    const { loadDesktopSettings } = await import('../../src/main/app/desktop-settings');
    expect(await loadDesktopSettings(dataDir)).toEqual({ port: chosen });
  });

  it('answers the console over checked IPC with the admin service, and pushes live changes', async () => {
    const consoleFrame = { senderFrame: { url: 'app://console/index.html', parent: null } };
    const status = (await s.ipc.get('admin:server.status')!(consoleFrame, {})) as { ok: boolean; data: { issuer: string } };
    expect(status).toMatchObject({ ok: true, data: { issuer: s.clipboard[0] } });
    const stranger = { senderFrame: { url: 'https://evil.example/', parent: null } };
    // Refused before the handler, with an answer the window can read (an error would lose its shape).
    expect(s.ipc.get('admin:apps.list')!(stranger, {})).toEqual({ ok: false, error: { code: 'forbidden', message: 'This window may not call the admin service' } });
    expect([...s.ipc.keys()].every((channel) => channel.startsWith('admin:'))).toBe(true);

    const created = (await s.ipc.get('admin:workspaces.create')!(consoleFrame, { name: 'Shell test' })) as { ok: boolean };
    expect(created.ok).toBe(true);
    await vi.waitFor(() => expect(window().webContents.sent.some(([channel]: [string]) => channel === 'admin:changes')).toBe(true));
  });

  it('focuses the window on a second launch and remembers its bounds on close', async () => {
    window().shown = false;
    s.app.emit('second-instance');
    expect(window().shown).toBe(true);
    window().emit('close');
    const { loadWindowState } = await import('../../src/main/app/window-state');
    await vi.waitFor(async () => expect(await loadWindowState(dataDir)).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false }));
  });

  it('closes the server before quitting', async () => {
    const port = Number(new URL(s.clipboard[0]!).port);
    s.app.quit();
    await vi.waitFor(() => expect(s.quit).toBe(2));
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
