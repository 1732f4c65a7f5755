import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW_STATE, fitToDisplays, loadWindowState, saveWindowState, WINDOW_STATE_FILE, windowStateFrom } from '../../src/main/app/window-state';
import { makeTempDir } from '../secrets/temp-dir';

describe('window size and position, remembered in the data folder', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await makeTempDir();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('saves and loads the bounds', async () => {
    expect(await loadWindowState(dataDir)).toEqual(DEFAULT_WINDOW_STATE);
    const state = windowStateFrom({ x: 100.4, y: 50, width: 1000, height: 700.6 }, true);
    await saveWindowState(dataDir, state);
    expect(await loadWindowState(dataDir)).toEqual({ x: 100, y: 50, width: 1000, height: 701, maximized: true });
    expect(JSON.parse(await readFile(join(dataDir, WINDOW_STATE_FILE), 'utf8'))).toEqual({ x: 100, y: 50, width: 1000, height: 701, maximized: true });
  });

  it('ignores a damaged or hostile file', async () => {
    for (const text of ['not json', '{"width": "wide"}', '{"width": 1e9, "height": 500, "maximized": false}', '{"x": 1.5, "y": 0, "width": 800, "height": 600, "maximized": false}', '[]', 'null']) {
      await writeFile(join(dataDir, WINDOW_STATE_FILE), text);
      expect(await loadWindowState(dataDir)).toEqual(DEFAULT_WINDOW_STATE);
    }
  });

  it('keeps a window on a display that is still there, shrinking it to fit', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1040 }];
    expect(fitToDisplays({ x: 100, y: 100, width: 1200, height: 800, maximized: false }, displays)).toEqual({ x: 100, y: 100, width: 1200, height: 800, maximized: false });
    expect(fitToDisplays({ x: 0, y: 0, width: 3000, height: 2000, maximized: false }, displays)).toEqual({ x: 0, y: 0, width: 1920, height: 1040, maximized: false });
  });

  it('centres a window whose display went away', () => {
    const laptop = [{ x: 0, y: 0, width: 1440, height: 860 }];
    expect(fitToDisplays({ x: 2200, y: 100, width: 1600, height: 900, maximized: false }, laptop)).toEqual({ width: 1440, height: 860, maximized: false });
    // Only the bottom edge is visible: the title bar is off-screen, so it is centred too.
    expect(fitToDisplays({ x: 100, y: -700, width: 800, height: 750, maximized: false }, laptop)).toEqual({ width: 800, height: 750, maximized: false });
    const twoScreens = [...laptop, { x: 1440, y: 0, width: 2560, height: 1400 }];
    expect(fitToDisplays({ x: 2200, y: 100, width: 1600, height: 900, maximized: false }, twoScreens)).toMatchObject({ x: 2200, y: 100 });
  });
});
