import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/server';
import { chromiumStatus, launchChromium, serve, type ServeProcess } from './harness';

const status = chromiumStatus();

/**
 * A newcomer's first minutes: `npm run serve` with no console build, then the printed console URL
 * in a browser. The page says it is building, reloads itself, and the console opens with the admin
 * token from the URL fragment (a reload that dropped the fragment would leave it signed out).
 */
describe.skipIf(!status.available)('the console URL on a first serve, in Chromium', () => {
  let browser: Browser | undefined;
  let server: ServeProcess | undefined;
  let folder: string | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('shows "building", then the console, signed in', { timeout: 180_000 }, async () => {
    folder = await makeTempDir();
    server = await serve(join(folder, 'out', 'renderer'));
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(server.consoleUrl);
    await expect.poll(() => page.getByRole('heading', { name: 'Building the web console…' }).isVisible(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => page.getByText(server!.issuer).first().isVisible(), { timeout: 150_000, interval: 500 }).toBe(true);
    await page.getByRole('heading', { name: 'Endpoints' }).waitFor();
    expect(page.url()).not.toContain('token=');
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem('oauth-console.admin-token'))).toMatch(/^oc_adm_/);
  });
});
