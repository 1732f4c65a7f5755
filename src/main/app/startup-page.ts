import { createHash } from 'node:crypto';
import { startupPageContentSecurityPolicy } from './content-security-policy';
import { isUsablePort } from './desktop-settings';
import { APP_ORIGIN, STARTUP_PATH } from './renderer-location';
import type { ServerState } from './server-lifecycle';
import { escapeHtml } from '../../shared/html-escape';

/** What the user can ask for on the start-up page. */
export type StartupAction = { kind: 'use-port'; port: number } | { kind: 'retry' };

export const USE_PORT_PATH = `${STARTUP_PATH}/use-port`;
export const RETRY_PATH = `${STARTUP_PATH}/retry`;

/**
 * Reads an action from a start-up page request (`/_shell/startup/use-port?port=9091`,
 * `/_shell/startup/retry`); null for anything else, including ports out of range.
 */
export function parseStartupAction(url: URL): StartupAction | null {
  if (url.pathname === RETRY_PATH) return { kind: 'retry' };
  if (url.pathname !== USE_PORT_PATH) return null;
  const text = url.searchParams.get('port') ?? '';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return isUsablePort(port) ? { kind: 'use-port', port } : null;
}


const STYLE = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:#f8f9fa;color:#212529}
main{max-width:560px;padding:32px;background:#fff;border:1px solid #dee2e6;border-radius:8px}
h1{font-size:20px;margin:0 0 12px}
code{background:#f1f3f5;padding:1px 4px;border-radius:4px}
.actions{display:flex;flex-wrap:wrap;gap:12px;margin-top:20px;align-items:end}
form{margin:0;display:flex;gap:8px;align-items:end}
button,.button{font:inherit;padding:6px 14px;border-radius:4px;border:1px solid #228be6;background:#228be6;color:#fff;text-decoration:none;cursor:pointer}
.secondary{background:#fff;color:#228be6}
input{font:inherit;width:90px;padding:5px 8px;border:1px solid #ced4da;border-radius:4px}
label{display:flex;flex-direction:column;font-size:13px;color:#495057}
.error{color:#c92a2a}
`;

const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

/** The Content-Security-Policy sent with the start-up page: no script, only its own style block. */
export const STARTUP_PAGE_CSP = startupPageContentSecurityPolicy(STYLE_HASH, APP_ORIGIN);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · OAuth Console</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function usePortForm(label: string, port: number | null, secondary: boolean): string {
  const input = port === null ? `<label>Port<input name="port" type="number" min="1" max="65535" required></label>` : `<input type="hidden" name="port" value="${port}">`;
  return `<form method="get" action="${APP_ORIGIN}${USE_PORT_PATH}">${input}<button type="submit"${secondary ? ' class="secondary"' : ''}>${escapeHtml(label)}</button></form>`;
}

/**
 * The page the window shows until the server runs: starting, the port is busy (with a
 * suggested port, a field for any other, and "try again"), or start-up failed. The issuer
 * contains the port, so the app never switches ports by itself; a port chosen here is saved.
 */
export function renderStartupPage(state: ServerState, context: { host: string; dataDir: string }): string {
  const retry = `<a class="button secondary" href="${APP_ORIGIN}${RETRY_PATH}">Try again</a>`;
  switch (state.status) {
    case 'port-busy': {
      const issuer = `http://${context.host}:${state.port}`;
      return page(
        `Port ${state.port} is in use`,
        `<h1>Port ${state.port} is in use</h1>
<p>Another program is listening on <code>${escapeHtml(context.host)}:${state.port}</code>, so the authorization server cannot start there.</p>
<p>The port is part of the issuer (<code>${escapeHtml(issuer)}</code>): apps, redirect URIs and tokens you set up expect it, so OAuth Console does not switch ports on its own. Stop the other program and try again, or choose another port; your choice is remembered.</p>
<div class="actions">${state.suggestedPort === null ? '' : usePortForm(`Use port ${state.suggestedPort}`, state.suggestedPort, false)}${usePortForm('Use this port', null, true)}${retry.replace('Try again', `Try port ${state.port} again`)}</div>`,
      );
    }
    case 'failed':
      return page(
        'The server did not start',
        `<h1>The authorization server did not start</h1>
<p class="error">${escapeHtml(state.message)}</p>
<p>Data folder: <code>${escapeHtml(context.dataDir)}</code></p>
<div class="actions">${retry}${usePortForm('Use this port', null, true)}</div>`,
      );
    case 'stopped':
      return page('Stopped', '<h1>The authorization server has stopped</h1>');
    case 'running':
      return page('Running', `<h1>The authorization server is running</h1><p>Issuer: <code>${escapeHtml(state.issuer)}</code></p>`);
    case 'starting':
      return page('Starting', `<h1>Starting the authorization server…</h1><p>On <code>${escapeHtml(context.host)}:${state.port}</code></p>`);
    default:
      return page('Starting', '<h1>Starting the authorization server…</h1>');
  }
}
