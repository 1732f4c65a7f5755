import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDevice, authorize, confidentialAppConfig, demoApp, demoConfig, DEMO_REDIRECT } from '../helpers/flows';
import { FormAgent, formAction, hiddenValue, radioValues } from '../helpers/form-agent';
import { startTestServer, type TestServer } from '../helpers/server';
import { httpClient } from '../admin/admin-clients';
import { secretHint } from '../../src/main/secrets/crypto';
import { currentUnit } from '../../src/main/store/database';

/**
 * Single use under concurrency: the same code, refresh token, device code or
 * consent form presented many times at once is honoured exactly once, every
 * other attempt gets `invalid_grant` (or a 409 page), nothing answers 5xx,
 * and reuse detection revokes what the value issued. Each case repeats, so
 * a race that only sometimes loses shows up.
 */
const ROUNDS = 6;
const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

describe('single use under concurrency', () => {
  let server: TestServer;
  let config: client.Configuration;
  let basic: string;

  beforeAll(async () => {
    // The storms below are dozens of failed token requests a minute from one client: rate limits
    // (tested in limits.test.ts) would answer 429 to some, and this suite is about single use.
    server = await startTestServer({ rateLimits: false });
    config = await demoConfig(server);
    const app = demoApp(server);
    basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
  });
  afterAll(() => server.dispose());

  const post = (path: string, body: Record<string, string>, auth = basic) =>
    fetch(`${server.issuer}${path}`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, string> }));

  const introspect = async (token: string) => (await post('/oauth/introspect', { token })).body.active as unknown as boolean;

  /** Exactly one 200; every other answer a 400 invalid_grant. */
  function expectOneWinner(results: Array<{ status: number; body: Record<string, string> }>) {
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status !== 200);
    expect(winners).toHaveLength(1);
    for (const loser of losers) expect(loser).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    return winners[0]!.body;
  }

  it('an authorization code exchanged 10 times at once gives one token set, and the replays revoke it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { callback, verifier } = await authorize(server, { config });
      const code = callback.searchParams.get('code')!;
      const exchange = () => post('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: DEMO_REDIRECT, code_verifier: verifier });
      const tokens = expectOneWinner(await Promise.all(Array.from({ length: 10 }, exchange)));
      // The code was used more than once: what it issued is revoked (RFC 6749 §4.1.2).
      expect(await introspect(tokens.access_token!)).toBe(false);
      expect(await introspect(tokens.refresh_token!)).toBe(false);
    }
  });

  it('a refresh token presented 20 times at once rotates once; the family ends revoked, never forked', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { callback, verifier } = await authorize(server, { config });
      const first = await post('/oauth/token', { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: DEMO_REDIRECT, code_verifier: verifier });
      const refreshToken = first.body.refresh_token!;
      const refresh = () => post('/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
      const winner = expectOneWinner(await Promise.all(Array.from({ length: 20 }, refresh)));
      expect(winner.refresh_token).toMatch(/^oc_rt_/);
      // Nineteen replays of a used refresh token: reuse detection revoked the whole family.
      expect(await introspect(winner.access_token!)).toBe(false);
      expect(await introspect(winner.refresh_token!)).toBe(false);
      const live = await server.db
        .selectFrom('oidc_models')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', 'in', ['AccessToken', 'RefreshToken'])
        .where('client_id', '=', demoApp(server).clientId)
        .where('revoked_at', 'is', null)
        .where('consumed_at', 'is', null)
        .executeTakeFirstOrThrow();
      expect(Number(live.n)).toBe(0);
    }
  });

  it('a refresh token presented once at a time keeps rotating (no false reuse alarm)', async () => {
    const { callback, verifier } = await authorize(server, { config });
    const first = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: callback.searchParams.get('state')! });
    let refreshToken = first.refresh_token!;
    let accessToken = first.access_token;
    for (let i = 0; i < 5; i++) {
      const next = await client.refreshTokenGrant(config, refreshToken);
      refreshToken = next.refresh_token!;
      accessToken = next.access_token;
    }
    expect(await introspect(accessToken)).toBe(true);
  });

  it('revocation racing a refresh leaves nothing of the family alive, whichever runs first', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { callback, verifier } = await authorize(server, { config });
      const first = await post('/oauth/token', { grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: DEMO_REDIRECT, code_verifier: verifier });
      const refreshToken = first.body.refresh_token!;
      const [refreshed, revoked] = await Promise.all([
        post('/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }),
        fetch(`${server.issuer}/oauth/revoke`, {
          method: 'POST',
          headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
        }),
      ]);
      expect(revoked.status).toBe(200);
      expect([200, 400]).toContain(refreshed.status);
      expect(await introspect(first.body.access_token!)).toBe(false);
      if (refreshed.status === 200) {
        expect(await introspect(refreshed.body.access_token!)).toBe(false);
        expect(await introspect(refreshed.body.refresh_token!)).toBe(false);
      } else {
        expect(refreshed.body.error).toBe('invalid_grant');
      }
    }
  });

  it('a token path spelled in another case (the engine matches paths case-insensitively) is a unit of work too', async () => {
    const inUnit: boolean[] = [];
    const listener = () => inUnit.push(currentUnit(server.db) !== undefined);
    server.provider.on('grant.success', listener);
    try {
      for (const path of ['/oauth/token', '/OAUTH/TOKEN', '/oauth/Token']) {
        const res = await post(path, { grant_type: 'client_credentials', scope: 'read:user' });
        expect(res.status).toBe(200);
      }
    } finally {
      server.provider.off('grant.success', listener);
    }
    expect(inUnit).toEqual([true, true, true]);
  });

  it('the same consent form submitted 5 times at once stores one grant', async () => {
    for (let round = 0; round < 3; round++) {
      const appConfig = await confidentialAppConfig(server, { name: `Consent race ${round}`, scopes: ['openid', 'profile', 'read:user'] });
      const clientId = appConfig.clientMetadata().client_id;
      const origin = new URL(server.issuer).origin;
      const agent = new FormAgent();
      const url = client.buildAuthorizationUrl(appConfig, {
        redirect_uri: DEMO_REDIRECT,
        scope: 'openid profile read:user',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      let step = await agent.follow(url.toString(), origin);
      let html = await step.res!.text();
      step = await agent.postForm(new URL(formAction(html), step.url).toString(), origin, { csrf: hiddenValue(html, 'csrf'), user_id: radioValues(html, 'user_id')[0]! }, { origin });
      html = await step.res!.text();
      const action = new URL(formAction(html), step.url).toString();
      expect(action).toMatch(/\/confirm$/);
      const form = { csrf: hiddenValue(html, 'csrf'), decision: 'approve', workspace_id: radioValues(html, 'workspace_id')[0]! };
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          agent.request(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body: new URLSearchParams(form).toString() }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([303, 409, 409, 409, 409]);
      const grants = await server.db.selectFrom('oidc_models').select('id').where('kind', '=', 'Grant').where('client_id', '=', clientId).execute();
      expect(grants).toHaveLength(1);
    }
  });

  it('a device code polled 10 times at once after approval gives one token set', async () => {
    const deviceConfig = await confidentialAppConfig(server, {
      name: 'Device race',
      scopes: ['openid', 'offline_access', 'read:user'],
      grantTypes: [DEVICE_CODE, 'refresh_token'],
    });
    const meta = deviceConfig.clientMetadata();
    const auth = `Basic ${Buffer.from(`${meta.client_id}:${meta.client_secret as string}`).toString('base64')}`;
    for (let round = 0; round < 3; round++) {
      const started = await post('/oauth/device/auth', { scope: 'openid offline_access read:user' }, auth);
      expect(started.status).toBe(200);
      await approveDevice(server, started.body.verification_uri_complete!);
      const poll = () => post('/oauth/token', { grant_type: DEVICE_CODE, device_code: started.body.device_code! }, auth);
      const polled = await Promise.all(Array.from({ length: 10 }, poll));
      const tokens = expectOneWinner(polled);
      expect(tokens.access_token).toMatch(/^oc_at_/);
      expect(await introspect(tokens.access_token!)).toBe(false);
    }
    // The stored hash of a device code, in the form the engine carries it between pages, is no device code.
    const started = await post('/oauth/device/auth', { scope: 'openid' }, auth);
    await approveDevice(server, started.body.verification_uri_complete!);
    const row = await server.db.selectFrom('oidc_models').select('id').where('kind', '=', 'DeviceCode').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    const forged = await post('/oauth/token', { grant_type: DEVICE_CODE, device_code: `#stored:${row.id}` }, auth);
    expect(forged).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await post('/oauth/token', { grant_type: DEVICE_CODE, device_code: started.body.device_code! }, auth)).status).toBe(200);
  });

  it('secret rotations racing are atomic: each returns its own hint, the last one works, no stale secret is accepted', async () => {
    const admin = httpClient(server);
    const appConfig = await confidentialAppConfig(server, { name: 'Rotation race', scopes: ['read:user'], grantTypes: ['client_credentials'] });
    const meta = appConfig.clientMetadata();
    const clientId = meta.client_id;
    const ccWith = (secret: string) =>
      post('/oauth/token', { grant_type: 'client_credentials', scope: 'read:user' }, `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`);
    let previous = meta.client_secret as string;
    for (let round = 0; round < 3; round++) {
      // Token requests with the current secret run alongside, so the engine's client cache is busy.
      const [rotations] = await Promise.all([
        Promise.all(Array.from({ length: 10 }, () => admin.apps.rotateSecret({ id: clientId }))),
        Promise.all(Array.from({ length: 10 }, () => ccWith(previous))),
      ]);
      for (const r of rotations) expect(r.app.secretHint).toBe(secretHint(r.clientSecret!));
      const stored = await server.db.selectFrom('apps').select('secret_hint').where('id', '=', clientId).executeTakeFirstOrThrow();
      const current = rotations.filter((r) => r.app.secretHint === stored.secret_hint);
      expect(current).toHaveLength(1);
      expect((await ccWith(current[0]!.clientSecret!)).status).toBe(200);
      expect((await ccWith(previous)).status).toBe(401);
      for (const other of rotations.filter((r) => r !== current[0])) expect((await ccWith(other.clientSecret!)).status).toBe(401);
      previous = current[0]!.clientSecret!;
    }
  });
});
