import { isRendererUrl, isStartupUrl, type RendererLocation } from './renderer-location';

/**
 * The URL to hand to the system browser, or null when it must not be opened: only
 * http(s) with a host and without user:password, normalised by the URL parser so what
 * is checked is what gets opened.
 */
export function externalUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (!parsed.hostname || parsed.username || parsed.password) return null;
  return parsed.href;
}

export interface NavigationDecision {
  allow: boolean;
  /** Set when the app should open this URL in the system browser instead. */
  openExternally?: string;
}

/**
 * In-window navigation stays on the console's own pages and the shell's start-up page;
 * anything else is blocked, and http(s) links go to the system browser.
 */
export function decideNavigation(url: string, location: RendererLocation): NavigationDecision {
  if (isRendererUrl(url, location) || isStartupUrl(url)) return { allow: true };
  const external = externalUrl(url);
  return external ? { allow: false, openExternally: external } : { allow: false };
}

/** `window.open` and `target=_blank` never make a window; http(s) links go to the system browser. */
export function decideWindowOpen(url: string): { action: 'deny'; openExternally?: string } {
  const external = externalUrl(url);
  return external ? { action: 'deny', openExternally: external } : { action: 'deny' };
}

/** The only permission the console may have: writing text to the clipboard (copy buttons for one-time secrets). */
const GRANTED_TO_CONSOLE = new Set(['clipboard-sanitized-write']);

/** Permission requests and checks: denied unless the console itself asks for a granted one. */
export function decidePermission(permission: string, requestingUrl: string | undefined, location: RendererLocation): boolean {
  return GRANTED_TO_CONSOLE.has(permission) && requestingUrl !== undefined && isRendererUrl(requestingUrl, location);
}

/**
 * Network requests (http, https, ws, wss) the app's web contents may make. In production the
 * console comes from `app://` and talks to the main process over IPC, so the only requests
 * are images (app logos, http or https as the CSP and the real consent page allow); under
 * `npm start`, also the dev server (pages, modules, the hot-reload socket). `resourceType` is
 * Electron's (`image`, `script`, ...).
 */
export function allowsNetworkRequest(url: string, resourceType: string, location: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if ((parsed.protocol === 'https:' || parsed.protocol === 'http:') && resourceType === 'image') return true;
  if (!location.dev) return false;
  return (parsed.protocol === 'http:' || parsed.protocol === 'ws:') && parsed.host === new URL(location.origin).host;
}
