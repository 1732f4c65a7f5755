import { execFile } from 'node:child_process';
import { readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../secrets/temp-dir';

const root = resolve(import.meta.dirname, '../..');

describe('the production build (electron-vite build)', () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = await makeTempDir();
    await promisify(execFile)(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--outDir', outDir, '--logLevel', 'error'], {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
      maxBuffer: 16 * 1024 * 1024,
    });
  }, 180_000);
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('writes the main process as ESM that finds the preload and the renderer where the build puts them', async () => {
    const main = await readFile(join(outDir, 'main/index.js'), 'utf8');
    expect(main).toMatch(/^import .* from "electron";$/m);
    expect(main).toContain('"../preload/index.cjs"');
    expect(main).toContain('"../renderer"');
    expect((await stat(join(outDir, 'renderer/index.html'))).isFile()).toBe(true);
  });

  it('writes one sandbox-safe preload: CommonJS, requiring nothing but electron', async () => {
    const preload = await readFile(join(outDir, 'preload/index.cjs'), 'utf8');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(required).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    // What crosses into the page is the console bridge built over ipcRenderer, never ipcRenderer.
    const exposed = [...preload.matchAll(/exposeInMainWorld\(([^,]+),\s*([^\n]*)\);/g)].map((m) => m[2]);
    expect(exposed).toEqual([expect.stringMatching(/^createConsoleBridge\((electron\.)?ipcRenderer\)$/)]);
  });
});

describe('the packaging configuration (electron-builder.yml)', () => {
  const require = createRequire(join(root, 'package.json'));
  let config: Record<string, any>;

  beforeAll(async () => {
    const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util');
    config = await getConfig(root, null, null);
    await validateConfiguration(config, new DebugLogger(false));
  });

  it("passes electron-builder's schema and targets macOS, Windows and Linux", () => {
    expect(config.productName).toBe('OAuth Console');
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('packs the build output, unpacks native modules and flips the security fuses', () => {
    expect(JSON.stringify(config.files)).toContain('"out/**/*"');
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
