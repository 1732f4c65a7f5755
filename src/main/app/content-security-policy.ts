import { LOGO_IMAGE_SOURCES } from '../http/security-headers';
import type { RendererLocation } from './renderer-location';

/** Builds a policy string from directives, in a stable order. */
export function serializePolicy(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}

/**
 * The console's Content-Security-Policy, sent as a response header on every renderer page.
 * Scripts, styles, fonts and connections only from the app's own files; no eval, no plugins,
 * no frames, no forms posting elsewhere. Styles allow inline because Mantine sets `style`
 * attributes and its CSS variables at run time; an injected style cannot run code.
 * The one remote thing is images (http and https, LOGO_IMAGE_SOURCES): app logos, so the
 * consent preview shows what the real consent page shows. An image cannot run code.
 *
 * Development only (`npm start`): Vite's React refresh preamble is an inline script and
 * hot reload talks over a WebSocket to the dev server.
 */
export function rendererContentSecurityPolicy(location: RendererLocation): string {
  const devServer = location.dev ? new URL(location.origin) : null;
  return serializePolicy({
    'default-src': ["'none'"],
    'script-src': devServer ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", ...LOGO_IMAGE_SOURCES],
    'font-src': ["'self'", 'data:'],
    'connect-src': devServer ? ["'self'", `ws://${devServer.host}`] : ["'self'"],
    'object-src': ["'none'"],
    'frame-src': ["'none'"],
    'worker-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  });
}

/** The start-up page's policy: no script at all, one hashed style block, forms back to the app only. */
export function startupPageContentSecurityPolicy(styleHash: string, appOrigin: string): string {
  return serializePolicy({
    'default-src': ["'none'"],
    'style-src': [`'${styleHash}'`],
    'form-action': ["'self'", appOrigin],
    'base-uri': ["'none'"],
    'frame-ancestors': ["'none'"],
  });
}

/**
 * Adds `policy` to a response's headers, replacing any policy the response brought
 * (header names compared case-insensitively, as Electron passes them through).
 */
export function withContentSecurityPolicy(headers: Record<string, string[]> | undefined, policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}
