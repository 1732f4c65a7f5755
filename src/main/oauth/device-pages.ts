import type { KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml } from '../../shared/html-escape';

/**
 * The device flow's pages (RFC 8628): enter the code shown on the device,
 * confirm it, and the closing "you may return to your device" page. Plain
 * HTML in the style of the engine's error page; nothing loads from anywhere
 * but this page itself. The forms come from the engine (they carry its
 * CSRF field); our buttons submit them through the `form` attribute.
 */
const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;background:#f6f7f9;color:#1c2230;display:grid;place-items:center;min-height:100vh;margin:0}main{background:#fff;border:1px solid #dde1e8;border-radius:12px;padding:28px 32px;width:min(420px,90vw)}h1{font-size:20px;margin:0 0 8px}p.error{color:#b42318}input[name=user_code]{display:block;width:100%;box-sizing:border-box;font:20px/1.4 ui-monospace,monospace;text-transform:uppercase;text-align:center;letter-spacing:.1em;padding:8px;margin:12px 0;border:1px solid #c5cbd6;border-radius:8px}button{font:inherit;padding:8px 16px;border-radius:8px;border:1px solid #1c64f2;background:#1c64f2;color:#fff;cursor:pointer}button.secondary{background:#fff;color:#1c2230;border-color:#c5cbd6;margin-left:8px}code{font-size:22px;background:#f0f2f5;padding:2px 8px;border-radius:6px}';

function devicePage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

function appName(ctx: KoaContextWithOIDC): string {
  const client = ctx.oidc.client;
  return escapeHtml(client?.clientName ?? client?.clientId ?? 'the application');
}

/** The code entry page; `err` explains why the last code was refused. */
export async function userCodeInputSource(ctx: KoaContextWithOIDC, form: string, _out: unknown, err?: { name?: string; userCode?: string }): Promise<void> {
  let message = '<p>Enter the code shown on your device.</p>';
  if (err && (err.userCode || err.name === 'NoCodeError')) message = '<p class="error">That code is not valid or has expired. Check it and try again.</p>';
  else if (err?.name === 'AbortedError') message = '<p class="error">The sign-in was cancelled.</p>';
  else if (err) message = '<p class="error">The code could not be checked. Try again.</p>';
  ctx.type = 'html';
  ctx.body = devicePage('Connect a device', `<h1>Connect a device</h1>${message}${form}<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

/** Asks the user to confirm that the device shows the same code. */
export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, _client: unknown, _deviceInfo: unknown, userCode: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = devicePage(
    'Confirm the device',
    `<h1>Connect ${appName(ctx)}?</h1><p>Your device should show this code:</p><p><code>${escapeHtml(userCode)}</code></p><p>If it does not, or you did not start this, cancel.</p>${form}<button type="submit" form="op.deviceConfirmForm">Continue</button><button class="secondary" type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Cancel</button>`,
  );
}

/** Shown once the device is authorized. */
export async function successSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = devicePage('Device connected', `<h1>Device connected</h1><p>${appName(ctx)} is now signed in. You can return to your device and close this page.</p>`);
}
