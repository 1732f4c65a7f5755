import { createHash, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertApp } from '../../src/main/store/apps-store';
import { httpClient } from '../admin/admin-clients';
import { authorize, codeFlow, DEMO_REDIRECT, demoConfig, discover } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

type KeyPair = Awaited<ReturnType<typeof client.randomDPoPKeyPair>>;

interface Proof {
  method?: string;
  url?: string;
  token?: string;
  iat?: number;
  jti?: string;
  typ?: string;
  keys?: KeyPair;
}

describe('DPoP (RFC 9449): tokens bound to a key, proofs checked by the resource API', () => {
  let server: TestServer;
  let config: client.Configuration;
  let keys: KeyPair;
  let dpop: client.DPoPHandle;
  let tokens: client.TokenEndpointResponse;
  let me: string;

  /** A proof made by hand (for the refusals), by default right for GET /api/v1/me with the bound token. */
  const proof = async (p: Proof = {}) => {
    const pair = p.keys ?? keys;
    return new SignJWT({ htm: p.method ?? 'GET', htu: p.url ?? me, iat: p.iat ?? Math.floor(Date.now() / 1000), jti: p.jti ?? randomUUID(), ath: createHash('sha256').update(p.token ?? tokens.access_token).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: p.typ ?? 'dpop+jwt', jwk: await exportJWK(pair.publicKey) })
      .sign(pair.privateKey);
  };
  const call = (authorization: string, dpopHeader?: string, url = me) => fetch(url, { headers: { authorization, ...(dpopHeader ? { dpop: dpopHeader } : {}) } });

  beforeAll(async () => {
    server = await startTestServer();
    me = `${server.issuer}/api/v1/me`;
    const { app } = await insertApp(server.db, {
      workspaceId: server.seed!.workspaceId,
      name: 'DPoP CLI',
      clientType: 'public',
      redirectUris: [DEMO_REDIRECT],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'read:user'],
      actorModes: ['self'],
      origin: 'console',
    });
    config = await discover(server, app.id);
    keys = (await client.randomDPoPKeyPair('ES256'));
    dpop = client.getDPoPHandle(config, keys);
    const flow = await authorize(server, { config, scope: 'openid read:user' });
    tokens = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state }, undefined, { DPoP: dpop });
  });
  afterAll(() => server.dispose());

  it('a token request with a proof gets a DPoP token bound to the key (cnf.jkt), and the resource API accepts it with proofs', async () => {
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keys.publicKey), 'sha256');
    const introspected = await client.tokenIntrospection(await demoConfig(server), tokens.access_token);
    expect(introspected.cnf).toEqual({ jkt });
    for (let i = 0; i < 2; i++) {
      const res = await client.fetchProtectedResource(config, tokens.access_token, new URL(me), 'GET', undefined, undefined, { DPoP: dpop });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { email: string }).email).toBeTruthy();
    }
    // The token inspector shows the binding.
    const inspected = await httpClient(server).tokens.inspect({ value: tokens.access_token });
    expect(inspected.token?.dpopJkt).toBe(jkt);
    expect(inspected.notes).toContain(`DPoP-bound (jkt ${jkt}): it works only with proofs signed by that key, sent as "Authorization: DPoP".`);
  });

  it('refuses the bound token as Bearer, with a DPoP challenge', async () => {
    const res = await call(`Bearer ${tokens.access_token}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP realm="oauth-console", error="invalid_token", error_description="This access token is DPoP-bound[^"]*", algs="ES256 Ed25519 EdDSA"$/);
    expect(await res.json()).toMatchObject({ error: 'invalid_token' });
    const noProof = await call(`DPoP ${tokens.access_token}`);
    expect(noProof.status).toBe(401);
    expect(noProof.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token", error_description="This access token is DPoP-bound: send a DPoP proof/);
  });

  it('refuses a proof for another URL or method, for another token, stale, or not a DPoP JWT', async () => {
    const cases: Array<[Proof, RegExp]> = [
      [{ url: `${server.issuer}/api/v1/workspaces/${server.seed!.workspaceId}` }, /is for .*\/api\/v1\/workspaces\/.*, not for .*\/api\/v1\/me/],
      [{ method: 'POST' }, /is for POST, not for this GET request/],
      [{ token: 'oc_at_another' }, /not for this access token \(ath\)/],
      [{ iat: Math.floor(Date.now() / 1000) - 600 }, /not fresh/],
      [{ typ: 'JWT' }, /does not verify: .*typ/],
    ];
    for (const [p, description] of cases) {
      const res = await call(`DPoP ${tokens.access_token}`, await proof(p));
      expect(res.status, JSON.stringify(p)).toBe(401);
      const challenge = res.headers.get('www-authenticate')!;
      expect(challenge, JSON.stringify(p)).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
      expect(((await res.json()) as { error_description: string }).error_description, JSON.stringify(p)).toMatch(description);
    }
    const two = await call(`DPoP ${tokens.access_token}`, `${await proof()}, ${await proof()}`);
    expect(two.status).toBe(401);
    expect(((await two.json()) as { error_description: string }).error_description).toMatch(/exactly one proof/);
  });

  it('refuses a proof signed with another key', async () => {
    const other = (await client.randomDPoPKeyPair('ES256'));
    const res = await call(`DPoP ${tokens.access_token}`, await proof({ keys: other }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token", error_description="The DPoP proof is signed with another key/);
  });

  it('refuses a replayed proof, also when the copies arrive at once: exactly one passes', async () => {
    const once = await proof();
    expect((await call(`DPoP ${tokens.access_token}`, once)).status).toBe(200);
    const again = await call(`DPoP ${tokens.access_token}`, once);
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error_description: string }).error_description).toMatch(/already used \(jti replay\)/);

    const shared = await proof();
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(`DPoP ${tokens.access_token}`, shared)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
  });

  it('the refresh token is bound to the key too, and rotates', async () => {
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(refreshed.token_type.toLowerCase()).toBe('dpop');
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const other = client.getDPoPHandle(config, (await client.randomDPoPKeyPair('ES256')));
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!, undefined, { DPoP: other })).rejects.toMatchObject({ error: 'invalid_grant' });
    // The refusal did not use the token up: its own key still refreshes.
    expect((await client.refreshTokenGrant(config, refreshed.refresh_token!, undefined, { DPoP: dpop })).access_token).toMatch(/^oc_at_/);
  });

  it('the sample MCP server takes a DPoP-bound token for it with a proof, and refuses it as Bearer with a DPoP challenge naming its metadata', async () => {
    const mcp = `${server.issuer}/mcp`;
    const flow = await authorize(server, { config, scope: 'openid read:user', params: { resource: mcp } });
    const bound = await client.authorizationCodeGrant(config, flow.callback, { pkceCodeVerifier: flow.verifier, expectedState: flow.state }, { resource: mcp }, { DPoP: dpop });
    expect(bound.token_type.toLowerCase()).toBe('dpop');
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const post = (authorization: string, dpopHeader?: string) => fetch(mcp, { method: 'POST', headers: { ...headers, authorization, ...(dpopHeader ? { dpop: dpopHeader } : {}) }, body });
    const ok = await post(`DPoP ${bound.access_token}`, await proof({ method: 'POST', url: mcp, token: bound.access_token }));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('"tools"');
    const bearer = await post(`Bearer ${bound.access_token}`);
    expect(bearer.status).toBe(401);
    expect(bearer.headers.get('www-authenticate')).toMatch(
      new RegExp(`^DPoP realm="oauth-console", error="invalid_token", .*, resource_metadata="${server.issuer}/.well-known/oauth-protected-resource/mcp"$`),
    );
    const wrongUrl = await post(`DPoP ${bound.access_token}`, await proof({ method: 'POST', url: me, token: bound.access_token }));
    expect(wrongUrl.status).toBe(401);
    expect(wrongUrl.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
  });

  it('a plain bearer token stays Bearer, and is refused under the DPoP scheme', async () => {
    const { tokens: bearer } = await codeFlow(server, { config: await demoConfig(server), scope: 'openid read:user' });
    expect(bearer.token_type.toLowerCase()).toBe('bearer');
    expect((await call(`Bearer ${bearer.access_token}`)).status).toBe(200);
    const asDpop = await call(`DPoP ${bearer.access_token}`, await proof({ token: bearer.access_token }));
    expect(asDpop.status).toBe(401);
    expect(asDpop.headers.get('www-authenticate')).toMatch(/^DPoP .*error="invalid_token", error_description="This access token is not DPoP-bound/);
    const inspected = await httpClient(server).tokens.inspect({ value: bearer.access_token });
    expect(inspected.token?.dpopJkt).toBeNull();
  });
});
