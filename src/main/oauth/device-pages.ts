import type { KoaContextWithOIDC } from 'oidc-provider';
import { escapeHtml } from '../../shared/html-escape';
import { simplePage } from '../http/html';

/** What the device pages add to the small pages' look: the code field, the code, a refusal. */
const DEVICE_STYLE =
  'main{width:min(420px,90vw)}p.error{color:#b42318}input[name=user_code]{display:block;width:100%;box-sizing:border-box;font:20px/1.4 ui-monospace,monospace;text-transform:uppercase;text-align:center;letter-spacing:.1em;padding:8px;margin:12px 0;border:1px solid #c5cbd6;border-radius:8px}code{font-size:22px}';

/**
 * The device flow's pages (RFC 8628): enter the code shown on the device,
 * confirm it, and the closing "you may return to your device" page, in the
 * look of the error and sign-out pages; nothing loads from anywhere but the
 * page itself. The forms come from the engine (they carry its CSRF field);
 * our buttons submit them through the `form` attribute.
 */
const devicePage = (title: string, body: string) => simplePage(title, body, DEVICE_STYLE);

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
  // The engine's field has a placeholder only; a screen reader needs a name for it.
  const labelled = form.replace(/<input([^>]*name="user_code")/, '<input aria-label="Code shown on your device"$1');
  ctx.type = 'html';
  ctx.body = devicePage('Connect a device', `<h1>Connect a device</h1>${message}${labelled}<button class="primary" type="submit" form="op.deviceInputForm">Continue</button>`);
}

/** Asks the user to confirm that the device shows the same code. */
export async function userCodeConfirmSource(ctx: KoaContextWithOIDC, form: string, _client: unknown, _deviceInfo: unknown, userCode: string): Promise<void> {
  ctx.type = 'html';
  ctx.body = devicePage(
    'Confirm the device',
    `<h1>Connect ${appName(ctx)}?</h1><p>Your device should show this code:</p><p><code>${escapeHtml(userCode)}</code></p><p>If it does not, or you did not start this, cancel.</p>${form}<button class="primary" type="submit" form="op.deviceConfirmForm">Continue</button><button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Cancel</button>`,
  );
}

/** Shown once the device is authorized. */
export async function successSource(ctx: KoaContextWithOIDC): Promise<void> {
  ctx.type = 'html';
  ctx.body = devicePage('Device connected', `<h1>Device connected</h1><p>${appName(ctx)} is now signed in. You can return to your device and close this page.</p>`);
}
