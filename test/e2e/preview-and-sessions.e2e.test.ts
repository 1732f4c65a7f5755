import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminClient, createHttpTransport, type AdminClient } from '../../src/shared/contract';
import { buildConsole, chromiumStatus, launchChromium, screenshotDir, serve, type ServeProcess } from './harness';

const status = chromiumStatus();
if (!status.available && !status.mustFail) console.warn(`skipped: ${status.reason}`);

/** An app's stand-in on loopback: its logo (plain http, as QA serves them) and its redirect target. */
async function appSite(): Promise<{ base: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/logo.svg') {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end('<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill="#e4572e"/><circle cx="48" cy="48" r="26" fill="#fff"/></svg>');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Callback</title><p>The client app received the callback.</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** What the consent card looks like in a page: its width, the logo as drawn, and the scopes with their verdict. */
async function cardFacts(root: Locator) {
  const card = root.locator('.oc-card').first();
  const width = (await card.boundingBox())!.width;
  const img = card.locator('.oc-logo img');
  await expect.poll(() => img.evaluate((el) => (el as unknown as { complete: boolean }).complete)).toBe(true);
  const logo = await img.evaluate((el) => {
    const image = el as unknown as { naturalWidth: number; getBoundingClientRect(): { width: number; height: number } };
    const box = image.getBoundingClientRect();
    return { natural: image.naturalWidth, width: box.width, height: box.height };
  });
  type Item = { querySelector(selector: string): { textContent: string | null } | null };
  const scopes = await card.locator('.oc-scopes li').evaluateAll((items) =>
    (items as unknown as Item[]).map((li) => ({ name: li.querySelector('.oc-scope-name')?.textContent, granted: li.querySelector('.oc-tick') !== null })),
  );
  return { width, logo, scopes };
}

/**
 * The consent preview against the real pages in Chromium: the preview's
 * card has the real card's width and draws the app's loopback http logo at
 * three window widths; its real URL, opened in a browser signed in as
 * another user, signs the previewed user in and shows the same screen; the
 * Sessions screen lists that sign-in and ends it, and the next request
 * shows the sign-in page again. Screenshots are saved under
 * test-results/console/.
 */
describe.skipIf(!status.available)('preview equals reality, and sessions, in Chromium', () => {
  let rendererDir: string;
  let server: ServeProcess;
  let site: Awaited<ReturnType<typeof appSite>>;
  let browser: Browser;
  let context: BrowserContext;
  let consolePage: Page;
  let admin: AdminClient;
  let shots: string;
  let appId: string;
  const users: Record<string, string> = {};
  const pageErrors: string[] = [];

  const shot = async (name: string, target: Page | Locator) => {
    await (target as Page).waitForTimeout?.(200);
    await target.screenshot({ path: join(shots, `${name}.png`) });
  };

  beforeAll(async () => {
    shots = await screenshotDir();
    rendererDir = await buildConsole();
    server = await serve(rendererDir);
    site = await appSite();
    const token = decodeURIComponent(/#token=([^&]+)/.exec(server.consoleUrl)![1]!);
    admin = createAdminClient(createHttpTransport({ baseUrl: server.issuer, token }));
    const workspace = (await admin.workspaces.list({})).items[0]!;
    const created = await admin.apps.create({
      workspaceId: workspace.id,
      name: 'Logo Members',
      logoUrl: `${site.base}/logo.svg`,
      redirectUris: [`${site.base}/callback`, `${site.base}/second`],
      scopes: ['openid', 'read:user', 'write:members'],
    });
    appId = created.app.id;
    for (const u of (await admin.users.list({})).items) users[u.email] = u.id;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
    consolePage = await context.newPage();
    consolePage.on('pageerror', (err) => pageErrors.push(err.message));
    await consolePage.goto(server.consoleUrl);
    await consolePage.getByRole('heading', { name: 'Endpoints' }).waitFor({ timeout: 20_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await server?.stop();
    if (rendererDir) await rm(rendererDir, { recursive: true, force: true });
  });

  const openPreview = async (userEmail: string, width: number) => {
    await consolePage.setViewportSize({ width, height: 900 });
    await consolePage.evaluate(
      ([app, user]) => {
        (globalThis as unknown as { location: { hash: string } }).location.hash = `#/consent?app=${encodeURIComponent(app!)}&user=${encodeURIComponent(user!)}`;
      },
      [appId, users[userEmail]],
    );
    const region = consolePage.getByRole('region', { name: 'Consent screen preview' });
    await expect.poll(() => region.getByText(userEmail).first().isVisible(), { timeout: 15_000 }).toBe(true);
    return region;
  };

  it('draws the preview card and logo as the real page does, at 1024, 1280 and 1440 px', async () => {
    const real = await context.newPage();
    for (const width of [1024, 1280, 1440]) {
      const region = await openPreview('mia.member@example.test', width);
      const preview = await cardFacts(region);
      await shot(`preview-vs-real-${width}-preview`, region);
      const url = await consolePage.getByTestId('authorization-url').innerText();

      // The real page, in a window of the same width: the first time Mia signs in (chosen by the URL's
      // login_hint), then her session goes straight to consent (the URL asks for it: prompt=consent).
      await real.setViewportSize({ width, height: 900 });
      await real.goto(url);
      if (width === 1024) {
        const chosen = real.getByLabel(/Mia Member/);
        await chosen.waitFor();
        expect(await chosen.isChecked()).toBe(true);
        await real.getByRole('button', { name: 'Sign in' }).click();
      }
      await real.getByRole('button', { name: 'Approve' }).waitFor();
      const actual = await cardFacts(real.locator('body'));
      await shot(`preview-vs-real-${width}-real`, real);

      expect(actual.width).toBe(518);
      expect(preview.width).toBe(actual.width);
      expect(actual.logo.natural).toBeGreaterThan(0);
      expect(preview.logo.natural).toBeGreaterThan(0);
      expect(preview.logo).toEqual(actual.logo);
      expect(preview.scopes).toEqual(actual.scopes);
      expect(actual.scopes.find((s) => s.name === 'write:members')).toEqual({ name: 'write:members', granted: false });
    }
    await real.close();
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it("opens the preview's real URL for Mia in a browser signed in as Olivia, and the grant matches the preview", async () => {
    // This browser is Mia's now (the test before); sign Olivia in through the app, as a user would.
    const region = await openPreview('olivia.owner@example.test', 1280);
    expect((await cardFacts(region)).scopes.every((s) => s.granted)).toBe(true);
    const olivia = await context.newPage();
    await olivia.goto(await consolePage.getByTestId('authorization-url').innerText());
    await olivia.getByLabel(/Olivia Owner/).check();
    await olivia.getByRole('button', { name: 'Sign in' }).click();
    await olivia.getByRole('button', { name: 'Approve' }).click();
    await olivia.waitForURL(/\/callback\?code=/);

    // The preview for Mia, with the second redirect URI.
    const preview = await openPreview('mia.member@example.test', 1280);
    await consolePage.locator('input').and(consolePage.getByLabel('Redirect URI', { exact: true })).first().click();
    await consolePage.getByRole('option', { name: `${site.base}/second` }).click();
    await expect.poll(() => consolePage.getByTestId('authorization-url').innerText()).toContain(encodeURIComponent(`${site.base}/second`));
    const expected = (await cardFacts(preview)).scopes;
    const url = await consolePage.getByTestId('authorization-url').innerText();

    const mia = await context.newPage();
    await mia.goto(url);
    await mia.getByRole('button', { name: 'Switch user' }).waitFor();
    expect(await mia.getByLabel(/Mia Member/).isChecked()).toBe(true);
    await shot('real-sign-in-over-another-session', mia);
    await mia.getByRole('button', { name: 'Sign in' }).click();
    await mia.getByRole('button', { name: 'Approve' }).waitFor();
    expect(await mia.locator('.oc-sub').innerText()).toContain('Mia Member');
    expect((await cardFacts(mia.locator('body'))).scopes).toEqual(expected);
    await mia.getByRole('button', { name: 'Approve' }).click();
    await mia.waitForURL((u) => u.pathname === '/second');
    const connections = await admin.connections.list({ userId: users['mia.member@example.test']!, appId });
    expect(connections.items[0]!.scopes.sort()).toEqual(expected.filter((s) => s.granted).map((s) => s.name!).sort());
    await mia.close();
    await olivia.close();
  }, 120_000);

  it('lists the sign-in on the Sessions screen, ends it, and the next request asks for sign-in again', async () => {
    await consolePage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    const table = consolePage.getByRole('table', { name: 'Sessions' });
    const row = table.getByRole('row').filter({ hasText: 'mia.member@example.test' });
    await row.waitFor({ timeout: 15_000 });
    await row.getByText('Logo Members').waitFor();
    await shot('sessions', consolePage);
    await row.getByRole('button', { name: 'End session' }).click();
    await consolePage.getByRole('dialog', { name: 'End this session?' }).getByRole('button', { name: 'End session' }).click();
    await consolePage.getByText('Nobody is signed in').waitFor({ timeout: 15_000 });
    await shot('sessions-empty', consolePage);

    const again = await context.newPage();
    const preview = await openPreview('mia.member@example.test', 1280);
    await preview.waitFor();
    await again.goto(await consolePage.getByTestId('authorization-url').innerText());
    await again.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await again.title()).toMatch(/^Sign in/);

    // The sign-out pages (RP-initiated logout) wear the same look.
    await again.getByRole('button', { name: 'Sign in' }).click();
    await again.getByRole('button', { name: 'Approve' }).click();
    await again.waitForURL(/\/callback\?code=/);
    await again.goto(`${server.issuer}/oauth/logout`);
    await again.getByRole('heading', { name: 'Sign out?' }).waitFor();
    expect((await again.locator('.oc-card').boundingBox())!.width).toBe(518);
    await shot('sign-out-question', again);
    await again.getByRole('button', { name: 'Yes, sign me out' }).click();
    await again.getByRole('heading', { name: 'Signed out' }).waitFor();
    await shot('sign-out-done', again);
    await again.close();
    await expect.poll(async () => (await admin.sessions.list({})).items.length).toBe(0);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
