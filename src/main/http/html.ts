import { createElement, type ReactElement } from 'react';
import { createRequire } from 'node:module';
import { SignOutScreen } from '../../shared/consent/SignOutScreen';
import { escapeHtml } from '../../shared/html-escape';

type ReactDomServer = typeof import('react-dom/server');
let loadedReactDomServer: ReactDomServer | undefined;

/**
 * react-dom's server renderer, loaded (synchronously: it is CommonJS) by the
 * first page rendered rather than at start: about 15 ms of a cold start that
 * answering discovery, tokens and APIs never needs.
 */
function reactDomServer(): ReactDomServer {
  loadedReactDomServer ??= createRequire(import.meta.url)('react-dom/server') as ReactDomServer;
  return loadedReactDomServer;
}

export function renderPage(title: string, element: ReactElement): string {
  const body = reactDomServer().renderToStaticMarkup(element);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="color-scheme" content="light dark"><title>${escapeHtml(title)}</title><style>body{margin:0}</style></head><body>${body}</body></html>`;
}

export { escapeHtml };

/** The look shared by the server's small pages (errors, the device flow): system fonts, nothing remote. */
const SIMPLE_STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;background:#f6f7f9;color:#1c2230;display:grid;place-items:center;min-height:100vh;margin:0}main{background:#fff;border:1px solid #dde1e8;border-radius:12px;padding:28px 32px;max-width:520px}h1{font-size:20px;margin:0 0 8px}code{background:#f0f2f5;padding:2px 6px;border-radius:4px}button{font:inherit;padding:8px 16px;margin:8px 8px 0 0;border-radius:8px;border:1px solid #c5cbd6;background:#fff;cursor:pointer}button.primary{background:#2f5bea;border-color:#2f5bea;color:#fff}';

/** A small page in that look; `style` adds rules of its own (trusted CSS, never user input). */
export function simplePage(title: string, body: string, style = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${SIMPLE_STYLE}${style}</style></head><body><main>${body}</main></body></html>`;
}

/** The HTML error page (the engine's and ours): the RFC error code and description, nothing internal. */
export function errorPage(error: string, description?: string): string {
  return simplePage(
    'Authorization error',
    `<h1>This request cannot continue</h1><p><code>${escapeHtml(error)}</code></p>${description ? `<p>${escapeHtml(description)}</p>` : ''}<p>Return to the application and try again.</p>`,
  );
}

/**
 * The sign-out question (RP-initiated logout), in the look of the sign-in and
 * consent screens. `form` is the engine's own hidden form (its action and
 * XSRF field); the buttons submit it.
 */
export function logoutPage(form: string, appName: string | undefined): string {
  return renderPage('Sign out', createElement(SignOutScreen, { model: { appName: appName ?? null, engineForm: form } }));
}

/** Shown after a sign-out that has no registered `post_logout_redirect_uri` to return to. */
export function logoutDonePage(appName: string | undefined): string {
  return renderPage('Signed out', createElement(SignOutScreen, { model: { appName: appName ?? null } }));
}
