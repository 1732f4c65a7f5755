import * as client from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../admin/admin-clients';
import { startTestServer, type TestServer } from '../helpers/server';
import { callbackServer, chromiumStatus, launchChromium } from './harness';

const status = chromiumStatus();
if (!status.available && !status.mustFail) console.warn(`skipped: ${status.reason}`);

describe('Chromium for the sign-in and consent page tests', () => {
  it.runIf(status.mustFail)('is installed in CI', () => {
    throw new Error(`CI=true: ${status.reason}`);
  });
});

/**
 * The sign-in and consent pages in real Chromium: their CSP has
 * `form-action 'self'` plus the app's redirect origin, which Chromium also
 * applies to the redirects after each form post; the form posts carry the
 * Origin header the pages' checks require; and a native app's loopback
 * redirect URI works on whatever port the app listens.
 */
describe.skipIf(!status.available)('sign-in and consent pages in Chromium', () => {
  let server: TestServer;
  let callback: Awaited<ReturnType<typeof callbackServer>>;
  let browser: Browser;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    callback = await callbackServer();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await callback?.close();
    await server?.dispose();
  });

  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
  };

  const run = async (clientId: string, redirectUri: string): Promise<URL> => {
    const config = await client.discovery(new URL(server.issuer), clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 'st',
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    watch(page);
    const posts: Array<{ url: string; origin: string | undefined }> = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push({ url: request.url(), origin: request.headers().origin });
    });
    await page.goto(url.toString());
    await page.getByLabel(/Mia Member/).check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.pathname === '/callback', { timeout: 15_000 });
    const landed = new URL(page.url());
    await context.close();
    expect(posts.length).toBe(2);
    for (const post of posts) expect(post.origin, post.url).toBe(new URL(server.issuer).origin);
    return landed;
  };

  it('a web app: the code reaches its redirect URI, with no CSP violation', async () => {
    const admin = httpClient(server);
    const created = await admin.apps.create({
      workspaceId: server.seed!.workspaceId,
      name: 'Browser Web App',
      clientType: 'public',
      redirectUris: [`${callback.base}/callback`, 'https://app.example.test/callback'],
      scopes: ['openid', 'profile'],
    });
    const landed = await run(created.app.id, `${callback.base}/callback`);
    expect(landed.origin).toBe(callback.base);
    expect(landed.searchParams.get('code')).toMatch(/^oc_code_/);
    expect(cspViolations).toEqual([]);
  });

  it('a native app registered with http://127.0.0.1/callback: the code reaches the port it listens on', async () => {
    const admin = httpClient(server);
    const created = await admin.apps.create({
      workspaceId: server.seed!.workspaceId,
      name: 'Browser CLI',
      clientType: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      scopes: ['openid', 'profile'],
    });
    const landed = await run(created.app.id, `${callback.base}/callback`);
    expect(landed.origin).toBe(callback.base);
    expect(landed.searchParams.get('code')).toMatch(/^oc_code_/);
    expect(cspViolations).toEqual([]);
  });
});
