import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient } from '../admin/admin-clients';
import { codeFlow, demoApp, demoConfig, DEMO_REDIRECT, userIdByEmail } from '../helpers/flows';
import { FormAgent, formAction, hiddenValue } from '../helpers/form-agent';
import { startTestServer, type TestServer } from '../helpers/server';

/** The CSP as a map of directive to sources. */
function directives(header: string | null): Map<string, string[]> {
  expect(header, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** Every header the one configuration sets on a page, checked the same way for ours and the engine's. */
function expectPageHeaders(res: Response, what: string, formTargets: string[] = []): void {
  const csp = directives(res.headers.get('content-security-policy'));
  expect(csp.get('default-src'), what).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(csp.get('form-action'), what).toEqual(["'self'", ...formTargets]);
  expect(csp.get('base-uri'), what).toEqual(["'none'"]);
  expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), what).toBe('DENY');
  expect(res.headers.get('referrer-policy'), what).toBe('same-origin');
}

/** Nothing in a page may load from another origin: no stylesheet, font, script or frame, remote or local. */
function expectNothingRemote(html: string, what: string): void {
  expect(html, what).not.toMatch(/@import|url\(|<link\b|<iframe\b|<script\b[^>]*\bsrc=/i);
  expect(html, what).not.toMatch(/fonts\.googleapis|https?:\/\/(?!127\.0\.0\.1)[^"'\s]*\.(css|js|woff2?)/i);
}

/** Starts the demo app's authorization request and returns the sign-in page it lands on. */
async function openSignIn(server: TestServer) {
  const agent = new FormAgent();
  const url = client.buildAuthorizationUrl(await demoConfig(server), {
    redirect_uri: DEMO_REDIRECT,
    scope: 'openid profile',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const step = await agent.follow(url.toString(), new URL(server.issuer).origin);
  return { agent, step, html: await step.res!.text() };
}

describe('security headers on every page, ours and the engine\'s', () => {
  let server: TestServer;
  let origin: string;
  const callbackOrigin = new URL(DEMO_REDIRECT).origin;

  beforeAll(async () => {
    server = await startTestServer();
    origin = new URL(server.issuer).origin;
  });
  afterAll(() => server.dispose());

  const startFlow = () => openSignIn(server);

  it('sign-in and consent pages: nosniff, no framing, and forms only to here and the app', async () => {
    const { agent, step, html } = await startFlow();
    expectPageHeaders(step.res!, 'sign-in', [callbackOrigin]);
    expect(step.res!.headers.get('cache-control')).toBe('no-store');
    expectNothingRemote(html, 'sign-in');

    const userId = await userIdByEmail(server, 'mia.member@example.test');
    const next = await agent.postForm(new URL(formAction(html), step.url).toString(), origin, { csrf: hiddenValue(html, 'csrf'), user_id: userId }, { origin });
    expect(next.res?.status).toBe(200);
    expectPageHeaders(next.res!, 'consent', [callbackOrigin]);
    expectNothingRemote(await next.res!.text(), 'consent');
  });

  it('the engine\'s error pages and our interaction errors get the same headers', async () => {
    const { clientId } = demoApp(server);
    const engineError = await fetch(`${server.issuer}/oauth/authorize?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent('https://evil.example/cb')}&scope=openid`);
    expect(engineError.status).toBe(400);
    expect(engineError.headers.get('content-type')).toMatch(/^text\/html/);
    expectPageHeaders(engineError, 'engine error page');
    expectNothingRemote(await engineError.text(), 'engine error page');

    const ours = await fetch(`${server.issuer}/interaction/does-not-exist`);
    expect(ours.status).toBeGreaterThanOrEqual(400);
    expectPageHeaders(ours, 'interaction error page');
  });

  it('sign-out pages are ours: same headers, nothing remote, and the form may lead to the registered post-logout URI only', async () => {
    const app = { id: demoApp(server).clientId };
    const postLogout = 'http://127.0.0.1:8765/signed-out';
    await httpClient(server).apps.update({ id: app.id, postLogoutRedirectUris: [postLogout] });

    // Signed in (the flow leaves a session), then the sign-out question.
    const { agent } = await codeFlow(server, { config: await demoConfig(server), userEmail: 'mia.member@example.test' });
    const question = await agent.request(`${server.issuer}/oauth/logout?client_id=${app.id}&post_logout_redirect_uri=${encodeURIComponent(postLogout)}`);
    expect(question.status).toBe(200);
    const html = await question.text();
    expect(html).toContain('Sign out of Demo App?');
    expectPageHeaders(question, 'sign-out question', [callbackOrigin]);
    expectNothingRemote(html, 'sign-out question');

    const confirm = await agent.request(formAction(html), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ xsrf: hiddenValue(html, 'xsrf'), logout: 'yes' }).toString(),
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(postLogout);

    // Without a post-logout URI the engine ends on its success page, which is ours too.
    const again = await codeFlow(server, { config: await demoConfig(server), userEmail: 'mia.member@example.test' });
    const bare = await again.agent.request(`${server.issuer}/oauth/logout`);
    const bareHtml = await bare.text();
    const done = await again.agent.follow(formAction(bareHtml), origin, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
      body: new URLSearchParams({ xsrf: hiddenValue(bareHtml, 'xsrf'), logout: 'yes' }).toString(),
    });
    expect(done.res?.status).toBe(200);
    const doneHtml = await done.res!.text();
    expect(doneHtml).toContain('Signed out');
    expectPageHeaders(done.res!, 'sign-out success');
    expectNothingRemote(doneHtml, 'sign-out success');
  });

  it('the engine\'s auto-submitting pages keep their one script hash and may post to the app', async () => {
    // Signed out, /oauth/logout answers with the engine's form_post page that submits itself to the confirm step.
    const page = await fetch(`${server.issuer}/oauth/logout`);
    expect(page.status).toBe(200);
    const csp = directives(page.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'none'", expect.stringMatching(/^'sha256-/)]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expectNothingRemote(await page.text(), 'form_post page');
  });

  it('the web console answers with its own CSP from the same configuration', async () => {
    const res = await fetch(`${server.issuer}/console/`);
    const csp = directives(res.headers.get('content-security-policy'));
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('form posts must come from the sign-in and consent pages themselves', () => {
  let server: TestServer;
  let origin: string;
  beforeAll(async () => {
    server = await startTestServer();
    origin = new URL(server.issuer).origin;
  });
  afterAll(() => server.dispose());

  it('refuses a missing Origin, Origin: null and cross-site fetch metadata, as it refuses a foreign Origin', async () => {
    const { agent, step, html } = await openSignIn(server);
    const action = new URL(formAction(html), step.url).toString();
    const form = { csrf: hiddenValue(html, 'csrf'), user_id: await userIdByEmail(server, 'mia.member@example.test') };
    for (const headers of [{}, { origin: 'null' }, { origin: 'https://evil.example' }, { origin, 'sec-fetch-site': 'cross-site' }, { origin, 'sec-fetch-site': 'same-site' }] as Array<Record<string, string>>) {
      const res = await agent.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString() });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain('came from another site');
    }
    const ok = await agent.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'sec-fetch-site': 'same-origin' }, body: new URLSearchParams(form).toString() });
    expect(ok.status).toBe(303);
  });
});
