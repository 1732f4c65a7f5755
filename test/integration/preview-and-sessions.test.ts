import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, type AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { authorize, confidentialApp, isAutoSubmitLogout, userIdByEmail, walkPages, type ConfidentialApp } from '../helpers/flows';
import { FormAgent, formAction, hiddenValue, radioValues } from '../helpers/form-agent';
import { startTestServer, type TestServer } from '../helpers/server';

const OLIVIA = 'olivia.owner@example.test';
const ADAM = 'adam.admin@example.test';
const MIA = 'mia.member@example.test';
const SCOPE = 'openid read:user write:members';

let server: TestServer;
let admin: AdminClient;
let app: ConfidentialApp;
let origin: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  admin = httpClient(server);
  origin = new URL(server.issuer).origin;
  app = await confidentialApp(server, { name: 'Members Admin', scopes: ['openid', 'read:user', 'write:members'] });
  for (const email of [OLIVIA, ADAM, MIA]) ids[email] = await userIdByEmail(server, email);
}, 60_000);

afterAll(async () => {
  await server?.dispose();
});

/** A browser signed in as `email` (it approved one request of the app). */
async function signedInBrowser(email: string): Promise<FormAgent> {
  const agent = new FormAgent();
  const { callback } = await authorize(server, { config: app.config, userEmail: email, scope: SCOPE, agent });
  expect(callback.searchParams.get('code')).toBeTruthy();
  return agent;
}

/** A fresh authorization request of the app, with extra parameters. */
async function requestUrl(params: Record<string, string> = {}): Promise<URL> {
  const verifier = client.randomPKCECodeVerifier();
  return client.buildAuthorizationUrl(app.config, {
    redirect_uri: 'http://127.0.0.1:8765/callback',
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: client.randomState(),
    ...params,
  });
}

/** The first page the browser lands on for a URL: which kind, and its HTML. */
async function firstPage(agent: FormAgent, url: URL | string): Promise<{ kind: 'sign-in' | 'consent' | 'callback'; html: string; url: string }> {
  const step = await agent.follow(url.toString(), origin);
  if (!step.res) return { kind: 'callback', html: '', url: step.url };
  const html = await step.res.text();
  expect(step.res.status, html.slice(0, 300)).toBe(200);
  return { kind: formAction(html).endsWith('/login') ? 'sign-in' : 'consent', html, url: step.url };
}

async function adminError(promise: Promise<unknown>): Promise<AdminError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

describe('the consent preview equals the real request', () => {
  it("opens the previewed user's page in a browser signed in as someone else, and grants what the preview showed", async () => {
    const browser = await signedInBrowser(OLIVIA);
    const preview = await admin.consent.preview({ appId: app.clientId, userId: ids[MIA]! });
    const granted = preview.model.scopes.filter((s) => s.grantable).map((s) => s.name);
    expect(preview.model.scopes.find((s) => s.name === 'write:members')).toMatchObject({ grantable: false });

    const page = await firstPage(browser, preview.authorizationUrl);
    expect(page.kind).toBe('sign-in');
    expect(radioValues(page.html, 'user_id')[0]).toBe(ids[MIA]);
    expect(page.html).toContain('Switch user');

    const walked = await walkPages(server.issuer, preview.authorizationUrl, { agent: browser });
    const consent = walked.pages.find((html) => html.includes('wants to access your account'))!;
    expect(consent).toContain('Mia Member');
    expect(consent).not.toContain('Olivia Owner');
    expect(walked.pages.some(isAutoSubmitLogout)).toBe(true);

    const tokens = await client.authorizationCodeGrant(app.config, walked.callback, { pkceCodeVerifier: preview.codeVerifier, expectedState: preview.state });
    expect(tokens.scope!.split(' ').sort()).toEqual([...granted].sort());
    expect(tokens.scope).not.toContain('write:members');
    const me = (await (await fetch(`${server.issuer}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } })).json()) as { sub: string };
    expect(me.sub).toBe(ids[MIA]);

    // One user per browser session: Olivia's session there ended when Mia signed in.
    const sessions = await admin.sessions.list({});
    expect(sessions.items.filter((s) => s.userId === ids[OLIVIA])).toHaveLength(0);
    // Her connection outlives the session: tokens do not expire with it.
    expect((await admin.connections.list({ userId: ids[OLIVIA]!, appId: app.clientId })).items.map((c) => c.revokedAt)).toEqual([null]);
    expect(sessions.items.filter((s) => s.userId === ids[MIA]).map((s) => s.apps.map((a) => a.appId))).toEqual([[app.clientId]]);
    await admin.sessions.endAllForUser({ userId: ids[MIA]! });
  }, 60_000);

  it('sends the request to the chosen redirect URI and acts as the chosen actor', async () => {
    const second = 'http://127.0.0.1:8765/second';
    const { app: both } = await admin.apps.create({
      workspaceId: server.seed!.workspaceId,
      name: 'Two Redirects',
      redirectUris: ['http://127.0.0.1:8765/callback', second],
      scopes: ['openid', 'read:user'],
      actorModes: ['self', 'app'],
    });
    const preview = await admin.consent.preview({ appId: both.id, userId: ids[ADAM]!, redirectUri: second, actor: 'app' });
    const url = new URL(preview.authorizationUrl);
    expect(url.searchParams.get('redirect_uri')).toBe(second);
    expect(url.searchParams.get('actor')).toBe('app');
    expect(preview.model.actor.mode).toBe('app');
    const walked = await walkPages(server.issuer, url, {});
    expect(walked.callback.origin + walked.callback.pathname).toBe(second);
    expect(walked.pages.find((html) => html.includes('wants to access'))).toContain('<strong>app</strong>');
  }, 60_000);
});

describe('login_hint over an existing session', () => {
  it('asks for sign-in when the hint names another user, with that user chosen', async () => {
    const browser = await signedInBrowser(OLIVIA);
    const page = await firstPage(browser, await requestUrl({ login_hint: ADAM, prompt: 'consent' }));
    expect(page.kind).toBe('sign-in');
    expect(radioValues(page.html, 'user_id')[0]).toBe(ids[ADAM]);
  }, 60_000);

  it('keeps the session when the hint names its own user, or nobody known', async () => {
    const browser = await signedInBrowser(OLIVIA);
    expect((await firstPage(browser, await requestUrl({ login_hint: OLIVIA, prompt: 'consent' }))).kind).toBe('consent');
    expect((await firstPage(browser, await requestUrl({ login_hint: ids[OLIVIA]!, prompt: 'consent' }))).kind).toBe('consent');
    expect((await firstPage(browser, await requestUrl({ login_hint: 'nobody@example.test', prompt: 'consent' }))).kind).toBe('consent');
  }, 60_000);

  it('lets the user sign in as someone else than the hinted user, without asking again', async () => {
    const browser = await signedInBrowser(OLIVIA);
    const walked = await walkPages(server.issuer, await requestUrl({ login_hint: ADAM }), { agent: browser, userId: ids[MIA]! });
    expect(walked.callback.searchParams.get('code')).toBeTruthy();
    expect(walked.pages.filter((html) => formAction(html).endsWith('/login'))).toHaveLength(1);
    expect(walked.pages.find((html) => html.includes('wants to access'))).toContain('Mia Member');
  }, 60_000);
});

describe('Not you? Switch user', () => {
  it('shows the sign-in page again for the same request, from the consent page', async () => {
    const browser = await signedInBrowser(OLIVIA);
    const url = await requestUrl({ prompt: 'consent' });
    const consent = await firstPage(browser, url);
    expect(consent.kind).toBe('consent');
    expect(consent.html).toContain('Olivia Owner');
    const switchAction = new URL(/formaction="([^"]+)"/i.exec(consent.html)![1]!, consent.url).toString();
    expect(switchAction).toMatch(/\/interaction\/[^/]+\/switch$/);
    const csrf = hiddenValue(consent.html, 'csrf');

    expect((await browser.postForm(switchAction, origin, { csrf: 'forged' }, { origin })).res!.status).toBe(403);
    const step = await browser.postForm(switchAction, origin, { csrf }, { origin });
    const signIn = await step.res!.text();
    expect(formAction(signIn)).toMatch(/\/login$/);
    expect(signIn).toContain('Sign in to continue to Members Admin');
    expect((await browser.postForm(switchAction, origin, { csrf }, { origin })).res!.status).toBe(409);

    const walked = await walkPages(server.issuer, step.url, { agent: browser, userId: ids[ADAM]! });
    expect(walked.callback.searchParams.get('state')).toBe(url.searchParams.get('state'));
    expect(walked.pages.find((html) => html.includes('wants to access'))).toContain('Adam Admin');
    await server.activity.flush();
    const events = await admin.activity.list({ types: ['session.switch_user'] });
    expect(events.items[0]).toMatchObject({ clientId: app.clientId, accountId: ids[OLIVIA], detail: { prompt: 'consent' } });
  }, 60_000);

  it('declines the hinted user on the sign-in page', async () => {
    const browser = await signedInBrowser(OLIVIA);
    const page = await firstPage(browser, await requestUrl({ login_hint: MIA }));
    expect(radioValues(page.html, 'user_id')[0]).toBe(ids[MIA]);
    const switchAction = new URL(/formaction="([^"]+)"/i.exec(page.html)![1]!, page.url).toString();
    const step = await browser.postForm(switchAction, origin, { csrf: hiddenValue(page.html, 'csrf') }, { origin });
    const again = await step.res!.text();
    expect(formAction(again)).toMatch(/\/login$/);
    expect(step.url).not.toBe(page.url);
    // The hint is gone: the browser's own user is chosen now.
    expect(radioValues(again, 'user_id')[0]).toBe(ids[OLIVIA]);
  }, 60_000);
});

describe('sessions', () => {
  it('lists who is signed in, since when and with which apps; ending one asks for sign-in again', async () => {
    await admin.sessions.endAllForUser({ userId: ids[ADAM]! });
    const before = Date.now();
    const browser = await signedInBrowser(ADAM);
    const listed = await admin.sessions.list({ userId: ids[ADAM]! });
    expect(listed.items).toHaveLength(1);
    const session = listed.items[0]!;
    expect(session).toMatchObject({ userId: ids[ADAM], userName: 'Adam Admin', userEmail: ADAM });
    expect(session.signedInAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    expect(session.apps).toEqual([{ appId: app.clientId, appName: 'Members Admin', grantId: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const connections = await admin.connections.list({ userId: ids[ADAM]!, appId: app.clientId });
    expect(connections.items.map((c) => c.id)).toContain(session.apps[0]!.grantId);

    expect((await firstPage(browser, await requestUrl({ prompt: 'consent' }))).kind).toBe('consent');
    expect(await admin.sessions.end({ id: session.id })).toEqual({ ended: true, userId: ids[ADAM] });
    expect((await admin.sessions.list({ userId: ids[ADAM]! })).items).toHaveLength(0);
    expect((await firstPage(browser, await requestUrl({ prompt: 'consent' }))).kind).toBe('sign-in');
    await server.activity.flush();
    const events = await admin.activity.list({ types: ['session.revoked'] });
    expect(events.items[0]).toMatchObject({ type: 'session.revoked', accountId: ids[ADAM] });
    // Ending it again: it is gone.
    expect((await adminError(admin.sessions.end({ id: session.id }))).fields).toEqual([{ field: 'id', message: 'no such session' }]);
  }, 60_000);

  it("ends every session of a user, in every browser, and no one else's", async () => {
    const first = await signedInBrowser(OLIVIA);
    const second = await signedInBrowser(OLIVIA);
    const other = await signedInBrowser(ADAM);
    expect((await admin.sessions.list({ userId: ids[OLIVIA]! })).items.length).toBeGreaterThanOrEqual(2);
    const { ended } = await admin.sessions.endAllForUser({ userId: ids[OLIVIA]! });
    expect(ended).toBeGreaterThanOrEqual(2);
    for (const browser of [first, second]) expect((await firstPage(browser, await requestUrl())).kind).toBe('sign-in');
    expect((await firstPage(other, await requestUrl({ prompt: 'consent' }))).kind).toBe('consent');
    expect((await admin.sessions.list({})).items.map((s) => s.userId)).not.toContain(ids[OLIVIA]);
  }, 60_000);

  it('answers bad input with field errors', async () => {
    const unknown = await adminError(admin.sessions.end({ id: 'no-such-session' }));
    expect(unknown.code).toBe('not_found');
    expect(unknown.fields).toEqual([{ field: 'id', message: 'no such session' }]);
    const noUser = await adminError(admin.sessions.endAllForUser({ userId: 'usr_missing' }));
    expect(noUser.code).toBe('not_found');
    expect(noUser.fields[0]!.field).toBe('userId');
    const empty = await adminError(admin.sessions.end({ id: '' }));
    expect(empty.code).toBe('invalid_input');
    expect(empty.fields[0]!.field).toBe('id');
    const extra = await adminError(admin.sessions.list({ userId: ids[MIA]!, cookie: 'x' } as never));
    expect(extra.code).toBe('invalid_input');
  });
});
