import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESKTOP_SETTINGS_FILE, desktopConfig, loadDesktopSettings, saveDesktopSettings } from '../../src/main/app/desktop-settings';
import { makeTempDir } from '../secrets/temp-dir';

describe('desktop configuration', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await makeTempDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('uses port 9090 on loopback with the keychain in auto mode by default', () => {
    expect(desktopConfig({}, {}, dataDir)).toEqual({ dataDir, port: 9090, host: '127.0.0.1', keychain: 'auto' });
  });

  it('remembers a port chosen on the port-busy page; the environment still wins', async () => {
    await saveDesktopSettings(dataDir, { port: 9191 });
    const saved = await loadDesktopSettings(dataDir);
    expect(desktopConfig({}, saved, dataDir).port).toBe(9191);
    expect(desktopConfig({ OAUTH_CONSOLE_PORT: '8080' }, saved, dataDir).port).toBe(8080);
  });

  it('reads the data folder and keychain mode from the same variables as npm run serve', () => {
    expect(desktopConfig({ OAUTH_CONSOLE_DATA_DIR: '/tmp/elsewhere', OAUTH_CONSOLE_KEYCHAIN: 'off' }, {})).toMatchObject({ dataDir: '/tmp/elsewhere', keychain: 'off' });
  });

  it('refuses bad values with one line', () => {
    expect(() => desktopConfig({ OAUTH_CONSOLE_PORT: '0' }, {}, dataDir)).toThrow(/from 1 to 65535/);
    expect(() => desktopConfig({ OAUTH_CONSOLE_PORT: 'http' }, {}, dataDir)).toThrow(/from 1 to 65535/);
    expect(() => desktopConfig({ OAUTH_CONSOLE_KEYCHAIN: 'maybe' }, {}, dataDir)).toThrow(/auto, on, off/);
  });

  it('ignores a damaged settings file', async () => {
    await writeFile(join(dataDir, DESKTOP_SETTINGS_FILE), '{"port": 70000}');
    expect(await loadDesktopSettings(dataDir)).toEqual({});
    await expect(saveDesktopSettings(dataDir, { port: 0 })).rejects.toThrow();
  });
});
