import { createPublicKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair, SignJWT, type JWK } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, type AdminClient, type TokenVerification } from '../../src/shared/contract';
import { JWKS_FETCH_LIMITS } from '../../src/main/admin/verification-keys';
import { generateTestSigningKey, NEGATIVE_PRESETS, signWithTestKey, TEST_KEY_KID } from '../../src/shared/test-signing';
import { httpClient } from '../admin/admin-clients';
import { codeFlow, demoApp, demoConfig } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

/** A loopback HTTP server answering every request with `handler`. */
async function loopback(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const http: Server = createServer(handler);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

const check = (result: TokenVerification, name: string) => result.checks.find((c) => c.check === name);

async function refusal(promise: Promise<unknown>): Promise<AdminError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdminError);
  return err as AdminError;
}

describe('tokens.verify: a JWT against a pasted key or a JWKS URL', () => {
  let server: TestServer;
  let admin: AdminClient;
  let idToken: string;
  let accessToken: string;
  let ourJwks: { keys: JWK[] };
  const jwksUrl = () => `${server.issuer}/oauth/jwks`;

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
    const { tokens } = await codeFlow(server, { config: await demoConfig(server), userEmail: 'mia.member@example.test' });
    idToken = tokens.id_token!;
    accessToken = tokens.access_token;
    ourJwks = (await (await fetch(jwksUrl())).json()) as { keys: JWK[] };
  });
  afterAll(() => server.dispose());

  it("says valid for our ID token against our own JWKS URL, with alg, kid, expiry, issuer and audience", async () => {
    const result = await admin.tokens.verify({ token: idToken, jwksUrl: jwksUrl(), expectedIssuer: server.issuer, expectedAudience: demoApp(server).clientId });
    const header = decodeProtectedHeader(idToken);
    expect(result).toMatchObject({ verdict: 'valid', signatureValid: true, alg: header.alg, kid: header.kid, matchedKid: header.kid, keySource: 'jwks_url', iss: server.issuer, aud: demoApp(server).clientId });
    expect(result.keyCount).toBe(ourJwks.keys.length);
    expect(check(result, 'signature')).toMatchObject({ result: 'ok' });
    expect(check(result, 'expiry')).toMatchObject({ result: 'ok', detail: expect.stringMatching(/^expires in /) });
    expect(check(result, 'issuer')).toMatchObject({ result: 'ok', detail: expect.stringContaining('(this server)') });
    expect(check(result, 'audience')).toMatchObject({ result: 'ok' });
  });

  it("tokens.inspect gives an opaque token's stored record as claims (introspection's shape), and nothing for an unknown value", async () => {
    const inspected = await admin.tokens.inspect({ value: accessToken });
    expect(inspected.record).toEqual({
      active: true,
      status: 'active',
      token_type: 'access_token',
      iss: server.issuer,
      client_id: demoApp(server).clientId,
      sub: inspected.token!.userId,
      scope: 'openid profile email read:user',
      iat: Math.floor(inspected.token!.createdAt / 1000),
      exp: Math.floor(inspected.token!.expiresAt! / 1000),
      workspace_id: server.seed!.workspaceId,
      actor: 'self',
    });
    await admin.tokens.revoke({ id: inspected.token!.id });
    expect((await admin.tokens.inspect({ id: inspected.token!.id })).record).toMatchObject({ active: false, status: 'revoked', revoked_at: expect.any(Number) });
    expect((await admin.tokens.inspect({ value: 'oc_at_unknown' })).record).toBeUndefined();
  });

  it('uses only the public part of a pasted private key (JWK or PEM), and judges nbf', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const now = Math.floor(Date.now() / 1000);
    const early = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).setNotBefore(now + 600).setExpirationTime(now + 1200).sign(privateKey);
    const privateJwk = await exportJWK(privateKey);
    expect(privateJwk.d).toBeDefined();
    const privatePem = await exportPKCS8(privateKey);
    for (const key of [JSON.stringify(privateJwk), privatePem]) {
      const result = await admin.tokens.verify({ token: early, key });
      expect(result).toMatchObject({ signatureValid: true, verdict: 'invalid', matchedKid: null });
      expect(check(result, 'signature')!.detail).toBe('valid: ES256, verified with the EC key (the public part of the private key pasted)');
      expect(check(result, 'not_before')).toMatchObject({ result: 'failed', detail: expect.stringContaining('not valid before') });
      expect(check(result, 'expiry')).toMatchObject({ result: 'ok' });
    }
    const forever = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' }).sign(privateKey);
    const result = await admin.tokens.verify({ token: forever, key: JSON.stringify(privateJwk) });
    expect(result.verdict).toBe('valid');
    expect(check(result, 'expiry')).toMatchObject({ result: 'info', detail: 'no exp: the token never expires' });
  });

  it('takes the key pasted as a JWK, a JWKS or PEM (SPKI, PKCS#1)', async () => {
    const kid = decodeProtectedHeader(idToken).kid;
    const jwk = ourJwks.keys.find((k) => k.kid === kid)!;
    const asJwk = await admin.tokens.verify({ token: idToken, key: JSON.stringify(jwk) });
    expect(asJwk).toMatchObject({ verdict: 'valid', keySource: 'jwk', keyCount: 1, matchedKid: kid });
    expect(await admin.tokens.verify({ token: idToken, key: JSON.stringify(ourJwks) })).toMatchObject({ verdict: 'valid', keySource: 'jwks' });
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    expect(await admin.tokens.verify({ token: idToken, key: pem })).toMatchObject({ verdict: 'valid', keySource: 'pem', signatureValid: true });
    expect(jwk.kty).toBe('RSA');
    const pkcs1 = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    expect(await admin.tokens.verify({ token: idToken, key: pkcs1 })).toMatchObject({ verdict: 'valid', keySource: 'pem' });
    // Without expectations, issuer and audience are shown, not judged.
    expect(check(asJwk, 'issuer')).toMatchObject({ result: 'info' });
    expect(check(asJwk, 'audience')).toMatchObject({ result: 'info' });
  });

  it('says invalid for a tampered token, and for wrong expectations', async () => {
    const [h, p, s] = idToken.split('.');
    const claims = { ...decodeJwt(idToken), sub: 'usr_someone_else' };
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    const result = await admin.tokens.verify({ token: tampered, jwksUrl: jwksUrl() });
    expect(result).toMatchObject({ verdict: 'invalid', signatureValid: false });
    expect(check(result, 'signature')!.detail).toContain('the signature does not match');
    expect(p).not.toBe(tampered.split('.')[1]);

    const wrong = await admin.tokens.verify({ token: idToken, jwksUrl: jwksUrl(), expectedIssuer: 'https://other.example.test', expectedAudience: 'someone-else' });
    expect(wrong).toMatchObject({ verdict: 'invalid', signatureValid: true });
    expect(check(wrong, 'issuer')).toMatchObject({ result: 'failed', detail: `iss is "${server.issuer}", expected "https://other.example.test"` });
    expect(check(wrong, 'audience')).toMatchObject({ result: 'failed' });
    // Each failed check alone makes the verdict invalid.
    expect((await admin.tokens.verify({ token: idToken, jwksUrl: jwksUrl(), expectedIssuer: 'https://other.example.test' })).verdict).toBe('invalid');
    expect((await admin.tokens.verify({ token: idToken, jwksUrl: jwksUrl(), expectedAudience: 'someone-else' })).verdict).toBe('invalid');
  });

  it('says invalid against the wrong key: another kid, or the same kid on another key', async () => {
    const { publicKey } = await generateKeyPair('RS256');
    const other = await exportJWK(publicKey);
    const kid = decodeProtectedHeader(idToken).kid!;
    const byKid = await admin.tokens.verify({ token: idToken, key: JSON.stringify({ ...other, kid: 'someone-elses-key' }) });
    expect(byKid).toMatchObject({ verdict: 'invalid', signatureValid: false, matchedKid: null });
    expect(check(byKid, 'signature')!.detail).toContain(`no key has kid "${kid}"`);
    const sameKid = await admin.tokens.verify({ token: idToken, key: JSON.stringify({ ...other, kid }) });
    expect(check(sameKid, 'signature')!.detail).toContain('the signature does not match');
    expect(sameKid.verdict).toBe('invalid');
  });

  it('refuses an unsigned token (alg none) whatever the key', async () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${idToken.split('.')[1]}.`;
    const result = await admin.tokens.verify({ token: none, jwksUrl: jwksUrl() });
    expect(result).toMatchObject({ verdict: 'invalid', signatureValid: false, alg: 'none' });
  });

  it('gives field errors for a bad token, bad JSON, a JSON that is no key, a bad PEM, and neither or both key inputs', async () => {
    const fieldOf = async (input: Parameters<AdminClient['tokens']['verify']>[0]) => (await refusal(admin.tokens.verify(input))).fields;
    expect(await fieldOf({ token: 'not-a-jwt', key: '{}' })).toEqual([{ field: 'token', message: expect.stringContaining('not a signed JWT') }]);
    expect(await fieldOf({ token: idToken, key: '{"kty": ' })).toEqual([{ field: 'key', message: expect.stringContaining('not valid JSON') }]);
    expect(await fieldOf({ token: idToken, key: '{"hello": "world"}' })).toEqual([{ field: 'key', message: expect.stringContaining('neither a JWK') }]);
    expect(await fieldOf({ token: idToken, key: '{"keys": []}' })).toEqual([{ field: 'key', message: 'the key set has no keys' }]);
    expect(await fieldOf({ token: idToken, key: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' })).toEqual([{ field: 'key', message: expect.stringContaining('not a usable PEM') }]);
    expect(await fieldOf({ token: idToken, key: 'hello' })).toEqual([{ field: 'key', message: expect.stringContaining('paste a JWK') }]);
    expect(await fieldOf({ token: idToken })).toEqual([{ field: 'key', message: 'give exactly one of key or jwksUrl' }]);
    expect(await fieldOf({ token: idToken, jwksUrl: 'file:///etc/passwd' })).toEqual([{ field: 'jwksUrl', message: 'must be an http or https URL' }]);
  });

  describe('a JWKS URL on a loopback test server', () => {
    it('verifies with the JWKS it serves', async () => {
      const jwks = await loopback((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify(ourJwks)));
      try {
        expect(await admin.tokens.verify({ token: idToken, jwksUrl: jwks.url })).toMatchObject({ verdict: 'valid', keySource: 'jwks_url' });
      } finally {
        await jwks.close();
      }
    });

    it('refuses cleanly: oversize (declared or streamed), slow, a redirect, an error status, not JSON, nobody listening', async () => {
      const big = JSON.stringify({ keys: [{ kty: 'oct', k: 'A'.repeat(JWKS_FETCH_LIMITS.maxBytes) }] });
      const message = async (url: string) => {
        const err = await refusal(admin.tokens.verify({ token: idToken, jwksUrl: url }));
        expect(err.code).toBe('invalid_input');
        expect(err.fields).toHaveLength(1);
        expect(err.fields[0]!.field).toBe('jwksUrl');
        return err.fields[0]!.message;
      };
      const declared = await loopback((_req, res) => res.end(big));
      const streamed = await loopback((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = 'x'.repeat(8192);
        for (let i = 0; i < 10; i++) res.write(chunk);
        res.end();
      });
      const slow = await loopback((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys": [');
      });
      const redirect = await loopback((_req, res) => res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end());
      const missing = await loopback((_req, res) => res.writeHead(404).end('nope'));
      const html = await loopback((_req, res) => res.end('<html>hello</html>'));
      try {
        expect(await message(declared.url)).toMatch(/^the document is \d+ bytes, more than the 65536 accepted$/);
        expect(await message(streamed.url)).toBe('the document is larger than the 65536 bytes accepted');
        const started = Date.now();
        expect(await message(slow.url)).toBe(`no complete answer within ${JWKS_FETCH_LIMITS.timeoutMs / 1000} s`);
        expect(Date.now() - started).toBeLessThan(JWKS_FETCH_LIMITS.timeoutMs + 4000);
        expect(await message(redirect.url)).toContain('a redirect to http://127.0.0.1:1/elsewhere, which is not followed');
        expect(await message(missing.url)).toBe('answered HTTP 404');
        expect(await message(html.url)).toContain('not valid JSON');
      } finally {
        await Promise.all([declared, streamed, slow, redirect, missing, html].map((s) => s.close()));
      }
      const gone = await loopback((_req, res) => res.end());
      await gone.close();
      expect(await message(gone.url)).toMatch(/^could not be fetched \(ECONNREFUSED\)$/);
      // The server still answers after all that.
      expect((await admin.tokens.verify({ token: idToken, jwksUrl: jwksUrl() })).verdict).toBe('valid');
    }, 30_000);
  });
});

describe('tokens re-signed with the console’s test key are refused by our APIs', () => {
  let server: TestServer;
  let admin: AdminClient;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
    config = await demoConfig(server);
    // JWT access tokens for both built-in resources, so an original and its re-signed copy differ only in the signature.
    for (const rs of (await admin.resources.list({})).items) await admin.resources.update({ id: rs.id, tokenFormat: 'jwt' });
  });
  afterAll(() => server.dispose());

  const me = (token: string) => fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  const mcpInitialize = (token: string) =>
    fetch(`${server.issuer}/mcp`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } }),
    });

  async function resigned(token: string, preset?: (typeof NEGATIVE_PRESETS)[number]['id']): Promise<string> {
    const key = await generateTestSigningKey();
    const claims = decodeJwt(token) as Record<string, unknown>;
    const edit = NEGATIVE_PRESETS.find((p) => p.id === preset);
    const next = await signWithTestKey(key, edit ? edit.apply(claims, Math.floor(Date.now() / 1000)) : claims, decodeProtectedHeader(token) as Record<string, unknown>);
    expect(decodeProtectedHeader(next)).toEqual({ typ: 'at+jwt', alg: 'ES256', kid: TEST_KEY_KID });
    // It does verify, against the test key's public half: the only key that makes it "valid".
    const verified = await admin.tokens.verify({ token: next, key: JSON.stringify(key.publicJwk) });
    expect(verified.signatureValid).toBe(true);
    expect(verified.checks.find((c) => c.check === 'expiry')!.result).toBe(preset === 'expired' ? 'failed' : 'ok');
    return next;
  }

  it('/api/v1/me: the original JWT access token works, its re-signed copy (same claims, or tampered) gets 401', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user', resource: `${server.issuer}/api/v1` });
    expect(decodeProtectedHeader(tokens.access_token).typ).toBe('at+jwt');
    expect((await me(tokens.access_token)).status).toBe(200);
    for (const preset of [undefined, 'tampered', 'wrong-issuer'] as const) {
      const answer = await me(await resigned(tokens.access_token, preset));
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('error="invalid_token"');
    }
    // And the inspector says it is not ours.
    const inspected = await admin.tokens.inspect({ value: await resigned(tokens.access_token) });
    expect(inspected).toMatchObject({ format: 'jwt', token: null, jwt: { signature: { verified: false, kid: TEST_KEY_KID } } });
  });

  it('/mcp: the original JWT access token initializes, its re-signed copy gets 401', async () => {
    const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user', resource: `${server.issuer}/mcp` });
    expect((await mcpInitialize(tokens.access_token)).status).toBe(200);
    for (const preset of [undefined, 'expired'] as const) {
      const answer = await mcpInitialize(await resigned(tokens.access_token, preset));
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('Bearer');
    }
  });
});
