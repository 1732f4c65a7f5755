import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate, menuEntries, webConsoleUrl, type MenuActions } from '../../src/main/app/menu';
import { claimSingleInstance, focusFirstInstance, type FocusableWindow } from '../../src/main/app/single-instance';

function actions() {
  return {
    copyIssuerUrl: vi.fn<() => void>(),
    openWebConsole: vi.fn<() => void>(),
    openDataFolder: vi.fn<() => void>(),
    reload: vi.fn<() => void>(),
    toggleDevTools: vi.fn<() => void>(),
  } satisfies MenuActions;
}

function find(template: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const found = find(item.submenu, id);
      if (found) return found;
    }
  }
  return undefined;
}

describe('the application menu', () => {
  const context = { platform: 'linux' as const, dev: false, serverRunning: true, appName: 'OAuth Console' };

  it('has the expected items with shortcuts, each calling its action', () => {
    const act = actions();
    const template = buildMenuTemplate(context, act);
    for (const [id, action, accelerator] of [
      ['copy-issuer-url', 'copyIssuerUrl', 'Shift+CmdOrCtrl+C'],
      ['open-web-console', 'openWebConsole', 'Shift+CmdOrCtrl+O'],
      ['open-data-folder', 'openDataFolder', undefined],
      ['reload', 'reload', 'CmdOrCtrl+R'],
    ] as const) {
      const item = find(template, id)!;
      expect(item.accelerator).toBe(accelerator);
      (item.click as () => void)();
      expect(act[action]).toHaveBeenCalledTimes(1);
    }
    expect(menuEntries(template)).toEqual(expect.arrayContaining(['editMenu', 'quit', 'windowMenu']));
  });

  it('has no developer tools in production, in any form', () => {
    const entries = menuEntries(buildMenuTemplate(context, actions()));
    expect(entries).not.toContain('toggle-devtools');
    expect(entries).not.toContain('toggleDevTools');
    expect(entries).not.toContain('forceReload');
    const dev = buildMenuTemplate({ ...context, dev: true }, actions());
    expect(menuEntries(dev)).toContain('toggle-devtools');
  });

  it('disables the issuer items while the server is not running', () => {
    const template = buildMenuTemplate({ ...context, serverRunning: false }, actions());
    expect(find(template, 'copy-issuer-url')!.enabled).toBe(false);
    expect(find(template, 'open-web-console')!.enabled).toBe(false);
    expect(find(template, 'open-data-folder')!.enabled).toBeUndefined();
  });

  it('opens the web console signed in, the admin token in the fragment only', () => {
    const url = new URL(webConsoleUrl('http://127.0.0.1:9090', 'oc_adm_a+b/c'));
    expect(url.origin + url.pathname + url.search).toBe('http://127.0.0.1:9090/console/');
    expect(url.hash).toBe('#token=oc_adm_a%2Bb%2Fc');
  });

  it('follows macOS conventions on macOS', () => {
    const template = buildMenuTemplate({ ...context, platform: 'darwin' }, actions());
    expect(template[0]!.label).toBe('OAuth Console');
    expect(template[1]!.label).toBe('Server');
    expect(menuEntries(template).filter((e) => e === 'quit')).toHaveLength(1);
  });
});

describe('one instance at a time', () => {
  function fakeWindow(minimized: boolean, destroyed = false): FocusableWindow & { calls: string[] } {
    const calls: string[] = [];
    return {
      calls,
      isDestroyed: () => destroyed,
      isMinimized: () => minimized,
      restore: () => void calls.push('restore'),
      show: () => void calls.push('show'),
      focus: () => void calls.push('focus'),
    };
  }

  it('brings the first window forward on a second launch', () => {
    const open = vi.fn();
    const minimized = fakeWindow(true);
    focusFirstInstance(minimized, open);
    expect(minimized.calls).toEqual(['restore', 'show', 'focus']);
    const behind = fakeWindow(false);
    focusFirstInstance(behind, open);
    expect(behind.calls).toEqual(['show', 'focus']);
    expect(open).not.toHaveBeenCalled();
  });

  it('opens a window when the first instance has none', () => {
    const open = vi.fn();
    focusFirstInstance(null, open);
    focusFirstInstance(fakeWindow(false, true), open);
    expect(open).toHaveBeenCalledTimes(2);
  });

  it('quits the second instance at once', () => {
    const second = { requestSingleInstanceLock: () => false, quit: vi.fn() };
    expect(claimSingleInstance(second)).toBe(false);
    expect(second.quit).toHaveBeenCalled();
    const first = { requestSingleInstanceLock: () => true, quit: vi.fn() };
    expect(claimSingleInstance(first)).toBe(true);
    expect(first.quit).not.toHaveBeenCalled();
  });
});

describe('where electron is imported', () => {
  it('only the glue files import electron at run time; the rest import its types only', async () => {
    const root = resolve(import.meta.dirname, '../..');
    const glue = new Set(['src/main/index.ts', 'src/main/app/electron-shell.ts', 'src/preload/index.ts']);
    const files = [
      'src/main/index.ts',
      ...(await readdir(join(root, 'src/main/app'))).map((f) => `src/main/app/${f}`),
      ...(await readdir(join(root, 'src/preload'))).map((f) => `src/preload/${f}`),
    ];
    const runtimeImporters: string[] = [];
    for (const file of files) {
      const text = await readFile(join(root, file), 'utf8').catch(() => '');
      if (/^import (?!type )[^;]*from 'electron';/m.test(text)) runtimeImporters.push(file);
    }
    for (const file of runtimeImporters) expect(glue.has(file), `${file} imports electron at run time`).toBe(true);
  });
});
