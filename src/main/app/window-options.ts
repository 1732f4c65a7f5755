import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowState } from './window-state';

export interface WindowOptionsInput {
  /** Absolute path of the bundled preload script (`out/preload/index.cjs`). */
  preloadPath: string;
  state: WindowState;
  /** Developer tools exist only in development. */
  dev: boolean;
  title?: string;
  icon?: string;
}

/**
 * The main window's options. Every web preference Electron's security checklist names is
 * set explicitly, even where it matches Electron's default, so a future default change or
 * a careless edit shows up in test/app/window-options.test.ts.
 */
export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  const { state } = input;
  return {
    title: input.title ?? 'OAuth Console',
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : { center: true }),
    minWidth: 640,
    minHeight: 420,
    show: false,
    backgroundColor: '#ffffff',
    ...(input.icon ? { icon: input.icon } : {}),
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.dev,
    },
  };
}
