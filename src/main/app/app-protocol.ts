import { readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { contentTypeOf } from '../fs/content-type';
import { APP_HOST, APP_SCHEME, STARTUP_PATH, STARTUP_URL } from './renderer-location';
import { parseStartupAction, STARTUP_PAGE_CSP, type StartupAction } from './startup-page';


export interface AppProtocolOptions {
  /** The bundled renderer (`out/renderer`); null under `npm start`, where the dev server serves it. */
  rendererDir: string | null;
  /** The console's Content-Security-Policy, sent with every renderer file. */
  rendererCsp: string;
  /** The start-up page's HTML for the current server state. */
  startupPage(): string;
  /** Runs a start-up page action (choose a port, retry); not awaited. */
  onStartupAction(action: StartupAction): void;
}

function respond(status: number, body: string | Buffer | null, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : new Uint8Array(body instanceof Buffer ? body : Buffer.from(body)), {
    status,
    headers: { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store', ...headers },
  });
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/**
 * The handler for `app://console/…`: the console's bundled files (with its CSP), and the
 * shell's start-up page with its actions.
 * Paths are resolved inside the renderer folder; anything that escapes it is a 404.
 *
 * @example protocol.handle('app', createAppProtocolHandler({ rendererDir, rendererCsp, startupPage, onStartupAction }))
 */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const root = options.rendererDir === null ? null : resolve(options.rendererDir);
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return respond(404, 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' });
    if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405, 'Method not allowed', { Allow: 'GET, HEAD' });

    if (url.pathname === STARTUP_PATH) return respond(200, options.startupPage(), { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': STARTUP_PAGE_CSP });
    if (url.pathname.startsWith(`${STARTUP_PATH}/`)) {
      const action = parseStartupAction(url);
      if (action) options.onStartupAction(action);
      return respond(303, null, { Location: STARTUP_URL });
    }

    if (root === null) return respond(404, 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' });
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return respond(400, 'Bad request', { 'Content-Type': 'text/plain; charset=utf-8' });
    }
    // The console routes in the URL fragment (HashRouter) and its build links assets
    // relatively, so every request names a real file; anything else is a 404.
    const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
    if (!file.startsWith(`${root}${sep}`) || !(await isFile(file))) return respond(404, 'Not found', { 'Content-Type': 'text/plain; charset=utf-8' });
    const type = contentTypeOf(file);
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return respond(200, body, { 'Content-Type': type, 'Content-Security-Policy': options.rendererCsp });
  };
}
