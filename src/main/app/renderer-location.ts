/** The custom scheme the production renderer is served from: `app://console/index.html`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** Where the window's console is loaded from, and which origin counts as "ours". */
export interface RendererLocation {
  /** The URL the window loads. */
  entryUrl: string;
  /** `app://console`, or the dev server's origin (`http://localhost:5173`) under `npm start`. */
  origin: string;
  /** True under `npm start` (electron-vite's dev server). */
  dev: boolean;
}

/**
 * Production: `app://console/index.html`, served by the app's own protocol handler from the
 * bundled files. Development: the dev server electron-vite names in `ELECTRON_RENDERER_URL`,
 * accepted only on a loopback host so a stray variable cannot point the window at the web.
 */
export function rendererLocation(devServerUrl: string | undefined, packaged: boolean): RendererLocation {
  if (devServerUrl && !packaged) {
    const url = new URL(devServerUrl);
    if (url.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new Error(`ELECTRON_RENDERER_URL must be a loopback http URL, not ${devServerUrl}`);
    }
    return { entryUrl: url.href, origin: url.origin, dev: true };
  }
  return { entryUrl: `${APP_ORIGIN}/index.html`, origin: APP_ORIGIN, dev: false };
}

/**
 * The origin of a URL, including for the `app:` scheme (for which WHATWG `URL.origin`
 * is "null"). Returns null for unparsable URLs.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol === `${APP_SCHEME}:`) return `${APP_SCHEME}://${parsed.host}`;
  return parsed.origin === 'null' ? null : parsed.origin;
}

/** True when `url` is a page of the console (the renderer's own origin). */
export function isRendererUrl(url: string, location: RendererLocation): boolean {
  return originOf(url) === location.origin;
}

/** The shell's own pages (start-up, port busy) live under this path of the app origin; the console must not route there. */
export const STARTUP_PATH = '/_shell/startup';
export const STARTUP_URL = `${APP_ORIGIN}${STARTUP_PATH}`;

/** True for the shell's start-up page and its actions. */
export function isStartupUrl(url: string): boolean {
  if (originOf(url) !== APP_ORIGIN) return false;
  const path = new URL(url).pathname;
  return path === STARTUP_PATH || path.startsWith(`${STARTUP_PATH}/`);
}
