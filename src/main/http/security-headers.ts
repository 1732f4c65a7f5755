import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import helmet from 'helmet';

type Directives = Record<string, string[]>;

/**
 * Where app logos may load from: any web URL (an app's `logo_uri` is http or
 * https; QA serves them from loopback too) or inline data. The sign-in and
 * consent pages and every console window (the web console, the desktop
 * window) allow the same, so the console's consent preview shows the logo
 * exactly when the real page does.
 */
export const LOGO_IMAGE_SOURCES = ['https:', 'http:', 'data:'];

/**
 * The server-rendered pages (sign-in, consent, errors, sign-out, the
 * engine's own): nothing loads but inline styles and images (app logos), no
 * script, no plugin, no framing (clickjacking), and forms post to this
 * origin only. Browsers apply `form-action` to the redirects that follow a
 * form post too, so a page whose form ends at an app's redirect URI adds that
 * one origin with {@link allowFormTarget}.
 */
export const PAGE_DIRECTIVES: Directives = {
  'default-src': ["'none'"],
  'style-src': ["'unsafe-inline'"],
  'img-src': LOGO_IMAGE_SOURCES,
  // The engine's auto-submitting form_post page adds its one script's hash here.
  'script-src': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'object-src': ["'none'"],
};

/**
 * The web console (`/console`): scripts, styles, fonts and requests from its
 * own origin only (the admin API is same-origin), no inline script, no
 * frames, no forms. Inline styles are allowed because Mantine sets CSS
 * variables at run time; remote images are the app logos the consent preview
 * shows ({@link LOGO_IMAGE_SOURCES}).
 */
export const CONSOLE_DIRECTIVES: Directives = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", ...LOGO_IMAGE_SOURCES],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'object-src': ["'none'"],
};

/**
 * The one security-header configuration (helmet) of every answer the
 * server gives: our pages and APIs, the engine's routes, the admin transport
 * and the console, which differ only in their CSP directives. HSTS is left
 * off: the issuer is usually plain http on loopback, and a proxy in front of
 * an https `--public-url` sets its own.
 *
 * helmet computes the headers once, here, and each answer gets that list:
 * the configuration has no per-request parts (no nonces), and running
 * helmet's twelve middlewares per request through a promise cost about 4%
 * of a resource-API call.
 */
export function securityHeaders(directives: Directives = PAGE_DIRECTIVES): Middleware {
  const headers = headersOf(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      // Not `no-referrer`: with it browsers send `Origin: null` on form posts, and the forms check Origin.
      // `same-origin` still sends no Referer to any other site (logos, the app's redirect URI).
      referrerPolicy: { policy: 'same-origin' },
      strictTransportSecurity: false,
      xFrameOptions: { action: 'deny' },
    }),
  );
  return (ctx, next) => {
    const res = ctx.res;
    for (const [name, value] of headers) res.setHeader(name, value);
    return next();
  };
}

/** The headers a helmet middleware sets, recorded from one run against a response that only records. */
function headersOf(middleware: ReturnType<typeof helmet>): Array<[string, string]> {
  const headers = new Map<string, [string, string]>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), [name, String(value)]),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let failure: unknown;
  let done = false;
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
    done = true;
  });
  if (failure !== undefined || !done) throw new Error(`the security-header configuration is invalid: ${String(failure ?? 'helmet did not finish')}`);
  return [...headers.values()];
}

/** The page CSP as a header value, for the few answers written before any middleware runs (a refused Host). */
export const PAGE_CSP = Object.entries(PAGE_DIRECTIVES)
  .map(([name, sources]) => [name, ...sources].join(' '))
  .join('; ');

/** The CSP source that names where a URI leads: its origin, or its scheme for private-use schemes. */
function sourceOf(uri: string): string | undefined {
  const url = URL.parse(uri);
  if (!url) return undefined;
  const source = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
  return /^[a-z][a-z0-9+.-]*:(\/\/[a-z0-9.\-[\]:]+)?$/i.test(source) ? source : undefined;
}

/**
 * Lets this answer's forms lead to `uri` (an app's registered redirect or
 * post-logout URI, already checked by the caller) by adding its origin to
 * `form-action` in the CSP that {@link securityHeaders} set.
 */
export function allowFormTarget(res: ServerResponse, uri: string | undefined): void {
  const source = uri === undefined ? undefined : sourceOf(uri);
  const header = res.getHeader('content-security-policy');
  if (!source || typeof header !== 'string') return;
  const directives = header.split(';').map((d) => d.trim());
  const at = directives.findIndex((d) => d.split(/\s+/)[0] === 'form-action');
  if (at === -1 || directives[at]!.split(/\s+/).includes(source)) return;
  directives[at] = `${directives[at]!.replace(/\s+'none'/, '')} ${source}`;
  res.setHeader('content-security-policy', directives.filter(Boolean).join('; '));
}
