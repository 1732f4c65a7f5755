import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConsoleBuilder } from './console-build';
import { escapeHtml } from '../../shared/html-escape';
import { contentTypeOf } from '../fs/content-type';

/** Where the web console lives on the server. */
export const CONSOLE_PATH = '/console';


/**
 * The built renderer: `$OAUTH_CONSOLE_RENDERER_DIR` when set (tests build
 * into a temp folder), next to the bundled main process
 * (`out/main/../renderer`), else under the working directory (`npm run
 * serve` from the repository after `npm run build`).
 */
export function defaultConsoleDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromEnv = env.OAUTH_CONSOLE_RENDERER_DIR ? [resolve(env.OAUTH_CONSOLE_RENDERER_DIR)] : [];
  return [...fromEnv, resolve(here, '../renderer'), resolve(process.cwd(), 'out/renderer')];
}

/** Security headers (the console's CSP included) come from the one configuration in security-headers.ts, set before this runs. */
function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: Buffer | string, head = false): void {
  res.writeHead(status, headers);
  res.end(head ? undefined : body);
}

/** The script the "building" page loads (inline scripts are refused by the CSP). */
const RELOAD_SCRIPT_PATH = `${CONSOLE_PATH}/.build/reload.js`;
/** `location.reload()` keeps the `#token=…` fragment; a Refresh header would only move to it, not reload. */
const RELOAD_SCRIPT = 'setTimeout(() => location.reload(), 1500);\n';


function statusPage(title: string, text: string, reload: boolean): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family: system-ui, sans-serif; margin: 3rem"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>` +
    (reload ? `<script src="${RELOAD_SCRIPT_PATH}"></script>` : '') +
    `</body></html>`
  );
}

export interface ConsoleAssetsOptions {
  /** Folders to look in, first match wins; defaults to {@link defaultConsoleDirs}, or the builder's folder. */
  dirs?: string[];
  /** Builds the console when it is missing or stale (`npm run serve` from the repository). */
  build?: ConsoleBuilder;
}

/**
 * Serves the web console's static files under `/console/`: hashed assets
 * cached for good, `index.html` (never cached) for the console itself and
 * for any other extension-less path. server.ts wraps it in the one
 * security-header configuration, with the console's strict CSP.
 * The admin token is not involved: it travels in the URL fragment, which
 * browsers never send. With a builder, a page request first makes sure the
 * build is there and current; while it builds, the page says so and reloads
 * itself (the OAuth endpoints are not held up: the build is another process).
 *
 * @example if (path === '/console' || path.startsWith('/console/')) return serveConsole(req, res);
 */
export function createConsoleAssets(options: ConsoleAssetsOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const dirs = options.dirs ?? (options.build ? [options.build.outDir] : defaultConsoleDirs());
  const rootDir = () => dirs.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return send(res, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, 'Method not allowed');
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    // `/console` → `/console/`, so relative asset URLs resolve; browsers keep the `#token=…` fragment.
    if (url.pathname === CONSOLE_PATH) return send(res, 308, { Location: `${CONSOLE_PATH}/${url.search}` });
    if (url.pathname === RELOAD_SCRIPT_PATH) {
      return send(res, 200, { 'Content-Type': contentTypeOf('.js'), 'Cache-Control': 'no-cache' }, RELOAD_SCRIPT, head);
    }
    if (options.build && !extname(url.pathname)) {
      const build = await options.build.ensure();
      const page = { 'Content-Type': contentTypeOf('.html'), 'Cache-Control': 'no-store' };
      if (build.state === 'building') {
        return send(res, 503, { ...page, 'Retry-After': '2' }, statusPage('Building the web console…', 'This takes a few seconds on first use, or after its sources change. The page reloads itself when it is ready.', true), head);
      }
      if (build.state === 'failed') {
        return send(res, 503, page, statusPage('The web console could not be built', `${build.reason}. Run \`npm run build\` to see its whole output; once it builds, reload this page.`, false), head);
      }
    }
    const root = rootDir();
    if (!root) {
      return send(res, 503, { 'Content-Type': 'text/plain; charset=utf-8' }, 'The web console is not built: run `npm run build`, then reload.', head);
    }
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname.slice(CONSOLE_PATH.length + 1));
    } catch {
      return send(res, 400, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Bad path', head);
    }
    const file = resolve(root, relative || 'index.html');
    if (file !== root && !file.startsWith(root + sep)) return send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found', head);
    const isFile = await stat(file).then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile && extname(file)) return send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found', head);
    const target = isFile ? file : join(root, 'index.html');
    const body = await readFile(target);
    const isIndex = target.endsWith(`${sep}index.html`);
    send(
      res,
      200,
      {
        'Content-Type': contentTypeOf(target),
        'Content-Length': String(body.length),
        'Cache-Control': isIndex ? 'no-store' : relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      },
      body,
      head,
    );
  };

  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Internal error');
      else res.end();
    });
  };
}
