import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, chromiumStatus, launchChromium, screenshotDir, serve, type ServeProcess } from './harness';

const status = chromiumStatus();

/** The widths the console was tried at (issue 15). */
const WIDTHS = [1024, 1280, 1440] as const;
/** A laptop's window height, where a long form's Save button ends near the bottom of the window. */
const HEIGHT = 768;
/** The console's header (Layout.tsx): a toast must not cover it either. */
const HEADER_HEIGHT = 56;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * The toasts after saving a form, in Chromium at 1024, 1280 and 1440 px: the
 * "Saved" toast of the app's settings, the settings page's and the consent
 * policy's appear, and none covers the button that was pressed (nor the
 * header). Screenshots for a person to look at: `toast-<form>-<width>.png`.
 */
describe.skipIf(!status.available)('toasts after saving never cover the Save button', () => {
  let rendererDir: string;
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  let shots: string;
  let appId: string;
  let appName: string;
  const pageErrors: string[] = [];

  const rpc = async (procedure: string, input: unknown) => {
    const token = decodeURIComponent(/#token=([^&]+)/.exec(server.consoleUrl)![1]!);
    const res = await fetch(`${server.issuer}/admin/rpc/${procedure}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${procedure}: ${JSON.stringify(body)}`);
    return body;
  };

  const go = (hash: string) => page.evaluate((h) => ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);

  /** Waits for the toast that says `text`, until its entry transition has ended, and returns its box. */
  const toast = async (text: string): Promise<Box> => {
    const notification = page.locator('.mantine-Notification-root').filter({ hasText: text });
    await notification.waitFor();
    let last = '';
    await expect
      .poll(async () => {
        const box = await notification.boundingBox();
        const now = JSON.stringify(box);
        const still = now === last;
        last = now;
        return still;
      })
      .toBe(true);
    return (await notification.boundingBox())!;
  };

  /** Closes every toast (its close button), so each step measures its own toast alone. */
  const closeToasts = async () => {
    const open = page.locator('.mantine-Notification-root');
    for (const close of await open.locator('button').all()) await close.click().catch(() => undefined);
    await expect.poll(() => open.count(), { timeout: 10_000 }).toBe(0);
  };

  const expectApart = async (notification: Box, button: Locator, name: string) => {
    const pressed = (await button.boundingBox())!;
    expect(overlaps(notification, pressed), `${name}: the toast ${JSON.stringify(notification)} covers ${JSON.stringify(pressed)}`).toBe(false);
    expect(notification.y, `${name}: the toast covers the header`).toBeGreaterThanOrEqual(HEADER_HEIGHT);
  };

  beforeAll(async () => {
    shots = await screenshotDir();
    rendererDir = await buildConsole();
    server = await serve(rendererDir);
    const apps = (await rpc('apps.list', {})) as { items: Array<{ id: string; name: string }> };
    appId = apps.items[0]!.id;
    appName = apps.items[0]!.name;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: HEIGHT }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(server.consoleUrl);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor({ timeout: 15_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  });

  for (const width of WIDTHS) {
    it(`at ${width} px: the app's "Saved", "Settings saved" and "Consent policy changed"`, async () => {
      await page.setViewportSize({ width, height: HEIGHT });
      await closeToasts();

      await go(`#/apps/${encodeURIComponent(appId)}?tab=edit`);
      const description = page.getByRole('textbox', { name: 'Description' });
      await description.fill(`Saved at ${width} px`);
      const save = page.getByRole('button', { name: 'Save changes' });
      await save.click();
      const saved = await toast(`${appName} is updated.`);
      await expectApart(saved, save, 'app settings');
      await page.screenshot({ path: join(shots, `toast-app-settings-${width}.png`) });

      await closeToasts();
      await go('#/settings');
      const retention = page.getByRole('textbox', { name: 'Keep events for' });
      await retention.fill(String(20 + WIDTHS.indexOf(width)));
      const saveSettings = page.getByRole('button', { name: 'Save settings' });
      await saveSettings.click();
      const settingsSaved = await toast('They apply to new requests at once');
      await expectApart(settingsSaved, saveSettings, 'settings');
      await page.screenshot({ path: join(shots, `toast-settings-${width}.png`) });

      await closeToasts();
      await go(`#/apps/${encodeURIComponent(appId)}`);
      const policy = WIDTHS.indexOf(width) % 2 === 0 ? 'auto-approve' : 'prompt';
      const radio = page.getByRole('radio', { name: new RegExp(`^${policy}`) });
      await radio.click();
      const changed = await toast(`${appName}: ${policy} from the next authorization request.`);
      await expectApart(changed, radio, 'consent policy');
      await page.screenshot({ path: join(shots, `toast-consent-policy-${width}.png`) });
      expect(pageErrors).toEqual([]);
    }, 120_000);
  }

  it('names the field that needs attention, and focuses and scrolls to it from the Save button at the bottom (1024 px)', async () => {
    await page.setViewportSize({ width: 1024, height: HEIGHT });
    await go(`#/apps/${encodeURIComponent(appId)}?tab=edit`);
    const redirect = page.getByRole('textbox', { name: 'Redirect URIs 1', exact: true });
    await redirect.fill('https://*.example.com/callback');
    const save = page.getByRole('button', { name: 'Save changes' });
    await save.scrollIntoViewIfNeeded();
    await save.click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'needs attention' }).textContent()).toBe('Redirect URIs needs attention.');
    await expect.poll(() => redirect.evaluate((el) => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    // Scrolled into the window, below the header.
    await expect
      .poll(async () => {
        const box = (await redirect.boundingBox())!;
        return box.y >= HEADER_HEIGHT && box.y + box.height <= HEIGHT;
      })
      .toBe(true);
    await page.screenshot({ path: join(shots, 'attention-app-settings-1024.png') });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
