import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { codeFlow, DEMO_REDIRECT, discover } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

const SCOPE = 'openid profile email offline_access read:user';
const PROTOCOL_CLAIMS = ['aud', 'exp', 'iat', 'iss', 'sub'];

describe("the app option 'idTokenClaims': the ID token carries the granted profile and email claims", () => {
  let server: TestServer;
  let admin: AdminClient;

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
  });
  afterAll(() => server.dispose());

  async function app(name: string, idTokenClaims?: boolean) {
    const created = await admin.apps.create({
      workspaceId: server.seed!.workspaceId,
      name,
      redirectUris: [DEMO_REDIRECT],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'read:user'],
      ...(idTokenClaims === undefined ? {} : { idTokenClaims }),
    });
    return { app: created.app, config: await discover(server, created.app.id, created.clientSecret!) };
  }

  it('is off by default: the ID token holds sub and the protocol claims, userinfo the profile and email', async () => {
    const { app: made, config } = await app('Plain ID tokens');
    expect(made.idTokenClaims).toBe(false);
    const { tokens } = await codeFlow(server, { config, userEmail: 'mia.member@example.test', scope: SCOPE });
    const claims = tokens.claims()!;
    expect(Object.keys(claims).filter((k) => !['nonce', 'sid', 'at_hash'].includes(k)).sort()).toEqual(PROTOCOL_CLAIMS);
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ name: 'Mia Member', email: 'mia.member@example.test', email_verified: true });
  });

  it('on: the ID token carries name and email (code and refresh), userinfo answers as before', async () => {
    const { app: made, config } = await app('Readable ID tokens', true);
    expect(made.idTokenClaims).toBe(true);
    const { tokens } = await codeFlow(server, { config, userEmail: 'mia.member@example.test', scope: SCOPE });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ name: 'Mia Member', email: 'mia.member@example.test', email_verified: true, iss: server.issuer, aud: made.id });
    const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ name: 'Mia Member', email: 'mia.member@example.test', email_verified: true });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()).toMatchObject({ name: 'Mia Member', email: 'mia.member@example.test' });
    // A refresh asking for fewer scopes gets fewer claims: the option follows what is granted to this token.
    const narrower = await client.refreshTokenGrant(config, refreshed.refresh_token!, { scope: 'openid email' });
    expect(narrower.claims()).toMatchObject({ email: 'mia.member@example.test' });
    expect(narrower.claims()!.name).toBeUndefined();
  });

  it('releases only what was granted: without the profile scope, no name', async () => {
    const { config } = await app('Email only', true);
    const { tokens } = await codeFlow(server, { config, userEmail: 'olivia.owner@example.test', scope: 'openid email' });
    const claims = tokens.claims()!;
    expect(claims.email).toBe('olivia.owner@example.test');
    expect(claims.name).toBeUndefined();
    expect(claims.given_name).toBeUndefined();
  });

  it('turns on and off with apps.update, at once (the client cache is dropped)', async () => {
    const { app: made, config } = await app('Toggled');
    expect((await admin.apps.update({ id: made.id, idTokenClaims: true })).idTokenClaims).toBe(true);
    const on = await codeFlow(server, { config, userEmail: 'adam.admin@example.test', scope: SCOPE });
    expect(on.tokens.claims()!.email).toBe('adam.admin@example.test');
    expect((await admin.apps.update({ id: made.id, idTokenClaims: false })).idTokenClaims).toBe(false);
    const off = await codeFlow(server, { config, agent: on.agent, scope: SCOPE });
    expect(off.tokens.claims()!.email).toBeUndefined();
  });

  it('is refused as a non-boolean at dynamic registration, and kept as a boolean when given', async () => {
    const register = (body: Record<string, unknown>) =>
      fetch(`${server.issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: [DEMO_REDIRECT], ...body }) });
    const bad = await register({ id_token_claims: 'yes' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client_metadata', error_description: 'id_token_claims must be a boolean' });
    const good = await register({ id_token_claims: true });
    expect(good.status).toBe(201);
    const body = (await good.json()) as { client_id: string; id_token_claims: boolean };
    expect(body.id_token_claims).toBe(true);
    expect((await admin.apps.get({ id: body.client_id })).idTokenClaims).toBe(true);
  });
});
