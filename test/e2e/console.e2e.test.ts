import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, callbackServer, chromiumStatus, launchChromium, screenshotDir, serve, type ServeProcess } from './harness';

const status = chromiumStatus();
if (!status.available && !status.mustFail) console.warn(`skipped: ${status.reason}`);

describe('Chromium for the end-to-end tests', () => {
  it.runIf(status.mustFail)('is installed in CI', () => {
    throw new Error(`CI=true: ${status.reason}`);
  });
});

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * The web console in real headless Chromium against `npm run serve`: an
 * admin creates an app and captures its secret, runs the authorization
 * code flow through the real sign-in and consent pages, sees the token
 * arrive live, inspects it, revokes it, and the resource API answers 401.
 * Screenshots of every main screen are saved on the way.
 */
describe.skipIf(!status.available)('the web console, end to end', () => {
  let rendererDir: string;
  let server: ServeProcess;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let shots: string;
  const pageErrors: string[] = [];

  /** Saves a screenshot once toasts have gone; dialogs are shot in the viewport they float in. */
  const shot = async (name: string, target: Page = page, fullPage = true) => {
    await target.locator('.mantine-Notification-root').first().waitFor({ state: 'detached', timeout: 8000 }).catch(() => undefined);
    await target.waitForTimeout(300);
    await target.screenshot({ path: join(shots, `${name}.png`), fullPage });
  };
  const nav = (label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  const pickOption = async (label: string, option: RegExp) => {
    await page.locator('input').and(page.getByLabel(label, { exact: true })).first().click();
    await page.getByRole('option', { name: option }).click();
  };

  beforeAll(async () => {
    shots = await screenshotDir();
    rendererDir = await buildConsole();
    server = await serve(rendererDir);
    callback = await callbackServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await server?.stop();
    if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  });

  it('runs an app through its whole life: create, authorize, watch, inspect, revoke', async () => {
    // The printed console URL carries the admin token in its fragment; the console moves it to sessionStorage.
    await page.goto(server.consoleUrl);
    await expect.poll(() => page.getByText(server.issuer).first().isVisible(), { timeout: 15_000 }).toBe(true);
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('oauth-console.admin-token'))).toMatch(/^oc_adm_/);
    expect((await context.cookies()).length).toBe(0);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await shot('overview');

    // Create an app whose redirect URI is our stand-in client.
    await nav('Apps');
    await page.getByRole('link', { name: 'New app' }).click();
    await page.getByLabel(/^Name/).fill('E2E Shop');
    await page.getByRole('textbox', { name: 'Redirect URIs 1', exact: true }).fill(`${callback.base}/callback`);
    await page.getByRole('checkbox', { name: /offline_access/ }).check();
    await page.getByRole('button', { name: 'Create app' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getByText('This is the only time it is shown').isVisible()).toBe(true);
    const secret = (await dialog.getByTestId('secret-value').innerText()).trim();
    expect(secret).toMatch(/^oc_sec_/);
    await shot('app-secret-once', page, false);
    await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await page.waitForURL(/#\/apps\/oc_app_/);
    const clientId = decodeURIComponent(/#\/apps\/([^?]+)/.exec(page.url())![1]!);
    await page.getByRole('heading', { name: /E2E Shop/ }).waitFor();
    await shot('app-detail');
    await nav('Apps');
    await page.getByText('E2E Shop').first().waitFor();
    await shot('apps');

    // Consent preview: the same component the server renders, and the real authorization URL.
    await nav('Consent preview');
    await pickOption('App', /E2E Shop/);
    await pickOption('User', /Mia Member/);
    const preview = page.getByRole('region', { name: 'Consent screen preview' });
    await preview.getByText('E2E Shop').first().waitFor();
    await expect.poll(() => preview.getByText(/Mia Member/).first().isVisible()).toBe(true);
    await shot('consent-preview');
    const verifier = await page.getByTestId('code-verifier').getAttribute('data-value');
    expect(verifier).toBeTruthy();

    // Watch the tokens of this app while the flow runs elsewhere: they must arrive without a reload.
    const popupPromise = context.waitForEvent('page');
    await page.getByRole('button', { name: 'Open the real authorization URL' }).click();
    const popup = await popupPromise;
    await page.evaluate((id) => {
      (globalThis as any).__sameDocument = true;
      (globalThis as any).location.hash = `#/tokens?app=${encodeURIComponent(id)}`;
    }, clientId);

    // The real sign-in and consent pages, in the browser.
    await popup.waitForLoadState();
    await popup.getByLabel(/Mia Member/).check();
    await popup.getByRole('button', { name: 'Sign in' }).click();
    await popup.getByRole('button', { name: 'Approve' }).waitFor();
    await shot('real-consent-page', popup);
    await popup.getByRole('button', { name: 'Approve' }).click();
    await popup.waitForURL(/\/callback\?/);
    const redirect = new URL(popup.url());
    const code = redirect.searchParams.get('code');
    expect(code, `callback without a code: ${redirect}`).toBeTruthy();
    await popup.close();

    // The client app exchanges the code (confidential client: secret + PKCE verifier).
    const tokenRes = await fetch(`${server.issuer}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: code!, redirect_uri: `${callback.base}/callback`, code_verifier: verifier! }),
    });
    const tokens = (await tokenRes.json()) as { access_token?: string; refresh_token?: string; id_token?: string };
    expect(tokenRes.status, JSON.stringify(tokens)).toBe(200);
    const access = tokens.access_token!;
    expect((await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(200);

    // The token appears in the open table, live.
    const row = page.locator(`tr[data-token-id="${sha256(access)}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as any).__sameDocument)).toBe(true);
    await expect.poll(() => row.getByText('active').isVisible()).toBe(true);
    await shot('tokens');

    // Inspect it: what it is, whose, for how long, its grant and history.
    await row.getByRole('button', { name: /^Inspect/ }).click();
    const drawer = page.getByRole('dialog', { name: 'Inspect token' });
    await drawer.getByText('Stored id (SHA-256 of the value)').waitFor();
    await drawer.getByRole('heading', { name: 'Grant' }).waitFor();
    expect(await drawer.getByText('mia.member@example.test').first().isVisible()).toBe(true);
    await shot('token-inspect', page, false);

    // Revoke it, confirming first.
    await drawer.getByRole('button', { name: 'Revoke token' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke this token?' });
    await confirm.getByRole('button', { name: 'Revoke token' }).click();
    await expect.poll(() => drawer.getByRole('button', { name: 'Revoke token' }).isDisabled(), { timeout: 10_000 }).toBe(true);
    await drawer.getByText('Revoked', { exact: true }).first().waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => row.getByText('revoked').isVisible(), { timeout: 10_000 }).toBe(true);

    // The resource API refuses the revoked token at once.
    expect((await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${access}` } })).status).toBe(401);

    // Paste-a-token inspector: the same value, now revoked.
    await page.getByRole('tab', { name: 'Inspect a token' }).click();
    await page.getByLabel(/^Token/).fill(access);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await page.getByText('prefix says: access token').waitFor();
    expect(await page.getByText('revoked').first().isVisible()).toBe(true);
    await shot('token-paste-inspector');

    // A JWT (the ID token of the same flow): claims decoded and explained, signature checked against our keys.
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel(/^Token/).fill(tokens.id_token!);
    await page.getByRole('button', { name: 'Inspect' }).click();
    await page.getByText('Signature verified', { exact: true }).waitFor();
    const claims = page.getByRole('table');
    expect(await claims.getByRole('row', { name: /^sub / }).isVisible()).toBe(true);
    expect(await claims.getByRole('row', { name: /^aud / }).textContent()).toContain(clientId);
    await shot('token-jwt-inspector');

    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('is usable from the keyboard: skip link, rows open with Enter, Escape closes', async () => {
    await nav('Apps');
    // A reload keeps the console signed in (the token stays in this tab's sessionStorage) and resets focus.
    await page.reload();
    await page.getByText('E2E Shop').first().waitFor();
    expect(await page.title()).toBe('Apps · OAuth Console');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('main');
    await page.getByRole('link', { name: 'Open E2E Shop' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/apps\/oc_app_/);
    await page.getByRole('button', { name: 'Delete app' }).focus();
    await page.keyboard.press('Enter');
    const confirm = page.getByRole('dialog', { name: /Delete E2E Shop/ });
    await confirm.waitFor();
    // Destructive dialogs start on Cancel, and Escape backs out. The dialog takes focus from the button
    // that opened it when its opening transition ends (later on a busy machine), so wait for that.
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.textContent)).toBe('Cancel');
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'detached' });
  }, 60_000);

  it('shows every other screen with its data, in light and dark', async () => {
    await nav('Connections');
    await page.getByRole('cell', { name: /Mia Member/ }).first().waitFor();
    await shot('connections');
    await nav('Users & workspaces');
    await page.getByText('olivia.owner@example.test').waitFor();
    await shot('users');
    await page.getByRole('tab', { name: 'Workspaces' }).click();
    await page.getByText('Demo Workspace').first().waitFor();
    await shot('workspaces');
    await nav('Activity');
    await page.getByText('consent.approved', { exact: false }).first().waitFor({ timeout: 15_000 });
    await shot('activity');
    await nav('Settings');
    await page.getByRole('heading', { name: 'Signing keys' }).waitFor();
    await shot('settings');

    await page.emulateMedia({ colorScheme: 'dark' });
    await nav('Overview');
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    await shot('overview-dark');
    await nav('Tokens');
    await page.locator('tr[data-token-id]').first().waitFor();
    await shot('tokens-dark');
    await nav('Consent preview');
    await page.getByRole('region', { name: 'Consent screen preview' }).waitFor();
    await shot('consent-preview-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
