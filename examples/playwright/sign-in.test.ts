/**
 * Example: a browser test that signs in through the real sign-in and consent
 * pages with playwright-core (any Chromium; here Debian's /usr/bin/chromium,
 * or $CHROMIUM_PATH), then redeems the code with openid-client. Run with
 * vitest; with @playwright/test, start the server in a worker fixture or
 * `globalSetup` the same way.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { startServer, type OAuthConsoleServer } from 'oauth-console';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: OAuthConsoleServer;
let browser: Browser;
let callback: Server;
let redirectUri: string;

beforeAll(async () => {
  server = await startServer();
  // The app under test's callback: here a bare loopback listener that answers "signed in".
  callback = createServer((_req, res) => res.end('signed in'));
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  callback?.close();
  await server?.stop();
});

it('Mia signs in, approves, and the app gets her tokens and profile', async () => {
  // A public single-page app with PKCE, registered for this test.
  const { app } = await server.admin.call('apps.create', {
    workspaceId: server.demo.workspaceId,
    name: 'Browser test app',
    clientType: 'public',
    redirectUris: [redirectUri],
    scopes: ['openid', 'profile', 'email'],
  });
  const config = await client.discovery(new URL(server.issuer), app.id, undefined, client.None(), { execute: [client.allowInsecureRequests] });
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  });

  const page = await browser.newPage();
  await page.goto(authorizationUrl.href);
  // The sign-in page lists the test users; no passwords.
  await page.getByLabel(/Mia Member/).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.waitForURL((url) => url.href.startsWith(redirectUri));

  const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state });
  const { sub } = tokens.claims()!;
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, sub);
  expect(userinfo.email).toBe('mia.member@example.test');
  expect(server.demo.users.find((user) => user.email === userinfo.email)?.id).toBe(sub);
  await page.close();
});
