// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AdminError, type TokenVerification } from '../../src/shared/contract';
import { TEST_KEY_KID } from '../../src/shared/test-signing';
import { PasteInspector } from '../../src/renderer/src/screens/tokens/PasteInspector';
import { RawDecodedView } from '../../src/renderer/src/screens/tokens/RawDecodedView';
import { fakeAdmin, renderConsole, renderPlain } from './console-harness';
import { jwtInspection, makeApp, makeServerStatus, makeToken, user, workspace } from './fixtures';

const lists = {
  'apps.list': () => ({ items: [makeApp()], nextCursor: null }),
  'users.list': () => ({ items: [user] }),
  'workspaces.list': () => ({ items: [workspace] }),
  'activity.list': () => ({ items: [], latestId: 0, nextBeforeId: null }),
  'server.status': () => makeServerStatus(),
} as const;

const NOW_S = Math.floor(Date.now() / 1000);
let jwt: string;

beforeAll(async () => {
  const { privateKey } = await generateKeyPair('RS256');
  jwt = await new SignJWT({ sub: 'usr_mia', aud: 'oc_app_demo', email: 'mia.member@example.test' })
    .setProtectedHeader({ alg: 'RS256', kid: 'kid-rs-1', typ: 'JWT' })
    .setIssuer('http://127.0.0.1:9090')
    .setIssuedAt(NOW_S)
    .setExpirationTime(NOW_S + 3600)
    .sign(privateKey);
});

/** What the server says about `jwt` (its claims, verified with our key). */
function inspectionOf(token: string) {
  const claims = decodeJwt(token);
  return jwtInspection({
    jwt: {
      header: decodeProtectedHeader(token) as Record<string, unknown>,
      claims: Object.entries(claims).map(([name, value]) => ({ name, value, explanation: `about ${name}` })),
      signature: { verified: true, kid: 'kid-rs-1', alg: 'RS256', keyStatus: 'active', problem: null },
    },
  });
}

const verdict = (overrides: Partial<TokenVerification> = {}): TokenVerification => ({
  verdict: 'valid',
  signatureValid: true,
  alg: 'RS256',
  kid: 'kid-rs-1',
  keySource: 'jwks_url',
  keyCount: 2,
  matchedKid: 'kid-rs-1',
  iss: 'http://127.0.0.1:9090',
  aud: 'oc_app_demo',
  exp: NOW_S + 3600,
  checks: [
    { check: 'signature', result: 'ok', detail: 'valid: RS256, verified with key "kid-rs-1"' },
    { check: 'expiry', result: 'ok', detail: 'expires in 1 hour' },
    { check: 'issuer', result: 'info', detail: 'iss "http://127.0.0.1:9090" (this server)' },
    { check: 'audience', result: 'info', detail: 'aud "oc_app_demo"' },
  ],
  header: {},
  payload: {},
  ...overrides,
});

async function pasteAndInspect(token: string, handlers: Parameters<typeof fakeAdmin>[0] = {}) {
  const admin = fakeAdmin({ ...lists, 'tokens.inspect': () => inspectionOf(token), ...handlers });
  renderConsole(<PasteInspector />, { admin });
  const u = userEvent.setup({ delay: null });
  await u.click(screen.getByLabelText(/^Token/));
  await u.paste(token);
  await u.click(screen.getByRole('button', { name: 'Inspect' }));
  await screen.findByRole('tab', { name: 'Inspect' });
  return { admin, u };
}

describe('raw and decoded, side by side', () => {
  it('splits a JWT into header, payload and signature, and decodes each', () => {
    const [h, p, s] = jwt.split('.');
    renderPlain(<RawDecodedView inspection={inspectionOf(jwt)} raw={jwt} />);
    const raw = screen.getByLabelText('Raw token');
    expect(raw.querySelector('[data-part="header"]')).toHaveTextContent(h!);
    expect(raw.querySelector('[data-part="payload"]')).toHaveTextContent(p!);
    expect(raw.querySelector('[data-part="signature"]')).toHaveTextContent(s!);
    expect(screen.getByLabelText('Header')).toHaveTextContent('"kid": "kid-rs-1"');
    expect(screen.getByLabelText('Payload')).toHaveTextContent('"email": "mia.member@example.test"');
    expect(screen.getByText('verified with this server’s key')).toBeInTheDocument();
    expect(screen.getAllByText(s!)).toHaveLength(2);
  });

  it("shows an opaque token's stored record, and says when the value is not kept", () => {
    const token = makeToken();
    const record = { active: true, token_type: 'access_token', client_id: 'oc_app_demo', scope: 'openid read:user' };
    const inspection = { format: 'opaque' as const, prefixKind: 'access token', token, jwt: null, audience: null, notes: [], record };
    const pasted = renderPlain(<RawDecodedView inspection={inspection} raw="oc_at_secretvalue" />);
    expect(screen.getByLabelText('Raw token')).toHaveTextContent('oc_at_secretvalue');
    expect(screen.getByLabelText('Stored record')).toHaveTextContent('"token_type": "access_token"');
    pasted.unmount();
    renderPlain(<RawDecodedView inspection={inspection} raw={null} />);
    expect(screen.getByText(/The value is not kept: only its SHA-256 is stored/)).toBeInTheDocument();
    expect(screen.getByLabelText('Stored record')).toHaveTextContent('"client_id": "oc_app_demo"');
  });

  it('says there is nothing to decode for an unknown opaque value', () => {
    renderPlain(<RawDecodedView inspection={{ format: 'opaque', prefixKind: null, token: null, jwt: null, audience: null, notes: [] }} raw="whatever" />);
    expect(screen.getByText(/Nothing to decode/)).toBeInTheDocument();
  });
});

describe('verify with a key', () => {
  it("verifies against this server's JWKS URL by default and shows the verdict", async () => {
    const { admin, u } = await pasteAndInspect(jwt, { 'tokens.verify': () => verdict() });
    await u.click(screen.getByRole('tab', { name: 'Verify with a key' }));
    expect(await screen.findByRole('textbox', { name: /^JWKS URL/ })).toHaveValue('http://127.0.0.1:9090/oauth/jwks');
    await u.click(screen.getByRole('button', { name: 'this server' }));
    await u.click(screen.getByRole('button', { name: 'Verify' }));
    const result = await screen.findByLabelText('Verification verdict');
    expect(within(result).getByText('Valid')).toBeInTheDocument();
    expect(result).toHaveTextContent('Signature valid');
    expect(result).toHaveTextContent('verified with key kid-rs-1');
    expect(within(result).getByText('Expiry').closest('tr')).toHaveTextContent('expires in 1 hour');
    expect(admin.calls.find((c) => c.procedure === 'tokens.verify')?.input).toEqual({ token: jwt, jwksUrl: 'http://127.0.0.1:9090/oauth/jwks', expectedIssuer: 'http://127.0.0.1:9090' });
  });

  it('says invalid with the failed checks', async () => {
    const failed = verdict({
      verdict: 'invalid',
      signatureValid: false,
      matchedKid: null,
      checks: [{ check: 'signature', result: 'failed', detail: 'invalid: key "x": the signature does not match' }],
    });
    const { u } = await pasteAndInspect(jwt, { 'tokens.verify': () => failed });
    await u.click(screen.getByRole('tab', { name: 'Verify with a key' }));
    await u.click(await screen.findByRole('button', { name: 'Verify' }));
    const result = await screen.findByLabelText('Verification verdict');
    expect(within(result).getByText('Invalid')).toBeInTheDocument();
    expect(within(result).getByLabelText('failed')).toBeInTheDocument();
    expect(result).toHaveTextContent('the signature does not match');
  });

  it("puts the server's complaint about a pasted key on the key field", async () => {
    const { u } = await pasteAndInspect(jwt, {
      'tokens.verify': () => {
        throw new AdminError({ code: 'invalid_input', message: 'key: not valid JSON', fields: [{ field: 'key', message: 'not valid JSON (Unexpected end of JSON input)' }] });
      },
    });
    await u.click(screen.getByRole('tab', { name: 'Verify with a key' }));
    await u.click(await screen.findByRole('radio', { name: 'Pasted key' }));
    const verify = screen.getByRole('button', { name: 'Verify' });
    expect(verify).toBeDisabled();
    await u.click(screen.getByLabelText(/^Public key/));
    await u.paste('{"kty":');
    await u.click(verify);
    expect(await screen.findByText('not valid JSON (Unexpected end of JSON input)')).toBeInTheDocument();
    expect(screen.getByLabelText(/^Public key/)).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByLabelText('Verification verdict')).not.toBeInTheDocument();
  });
});

describe('edit and re-sign with the test key', () => {
  it('makes an expired copy signed with the test key, marked not ours, and verifies it with the test key', async () => {
    const { admin, u } = await pasteAndInspect(jwt, { 'tokens.verify': () => verdict({ keySource: 'jwk', keyCount: 1, kid: TEST_KEY_KID, alg: 'ES256', matchedKid: TEST_KEY_KID }) });
    await u.click(screen.getByRole('tab', { name: 'Edit and re-sign' }));
    const editor = await screen.findByLabelText(/^Claims \(payload\)/);
    expect(screen.getByText('Negative-test tokens, not ours')).toBeInTheDocument();
    expect(JSON.parse((editor as HTMLTextAreaElement).value)).toMatchObject({ sub: 'usr_mia', email: 'mia.member@example.test' });
    await u.click(screen.getByRole('button', { name: 'Expired' }));
    const edited = JSON.parse((editor as HTMLTextAreaElement).value) as { exp: number };
    expect(edited.exp).toBeLessThan(Date.now() / 1000);
    await u.click(screen.getByRole('button', { name: 'Sign with the test key' }));
    await waitFor(() => expect(screen.queryByText('Signing failed')?.closest('[role=alert]')?.textContent ?? 'ok').toBe('ok'));

    const card = await screen.findByLabelText('Re-signed token');
    expect(within(card).getByText('Not ours: test key')).toBeInTheDocument();
    const value = within(card).getByText(/^eyJ/).textContent!;
    expect(decodeProtectedHeader(value)).toEqual({ typ: 'JWT', alg: 'ES256', kid: TEST_KEY_KID });
    expect(decodeJwt(value)).toMatchObject({ sub: 'usr_mia', exp: edited.exp });

    // Its own verify form starts on the pasted test key.
    expect((within(card).getByLabelText(/^Public key/) as HTMLTextAreaElement).value).toContain(`"kid":"${TEST_KEY_KID}"`);
    await u.click(within(card).getByRole('button', { name: 'Verify' }));
    await within(card).findByLabelText('Verification verdict');
    const sent = admin.calls.find((c) => c.procedure === 'tokens.verify')?.input as { token: string; key: string };
    expect(sent.token).toBe(value);
    expect(JSON.parse(sent.key)).toMatchObject({ kty: 'EC', crv: 'P-256', kid: TEST_KEY_KID, alg: 'ES256' });
    expect(JSON.parse(sent.key).d).toBeUndefined();
  });

  it('keeps one test key for the session: a second token is signed with the same key', async () => {
    const { u } = await pasteAndInspect(jwt);
    await u.click(screen.getByRole('tab', { name: 'Edit and re-sign' }));
    await screen.findByLabelText(/^Claims \(payload\)/);
    await u.click(screen.getByRole('button', { name: 'Sign with the test key' }));
    const keyText = () => (within(screen.getByLabelText('Re-signed token')).getByLabelText(/^Public key/) as HTMLTextAreaElement).value;
    await screen.findByLabelText('Re-signed token');
    const firstKey = keyText();
    expect(firstKey).toContain(TEST_KEY_KID);
    await u.click(screen.getByRole('button', { name: 'Wrong audience' }));
    await u.click(screen.getByRole('button', { name: 'Sign with the test key' }));
    await waitFor(() => expect(decodeJwt(within(screen.getByLabelText('Re-signed token')).getByText(/^eyJ/).textContent!).aud).toBe('https://wrong-audience.example.test'));
    expect(keyText()).toBe(firstKey);
  });

  it('refuses claims that are not a JSON object, with a field error, and signs nothing', async () => {
    const { u } = await pasteAndInspect(jwt);
    await u.click(screen.getByRole('tab', { name: 'Edit and re-sign' }));
    const editor = await screen.findByLabelText(/^Claims \(payload\)/);
    await u.clear(editor);
    await u.click(editor);
    await u.paste('{"sub": ');
    await u.click(screen.getByRole('button', { name: 'Sign with the test key' }));
    expect(await screen.findByText(/^not valid JSON/)).toBeInTheDocument();
    await u.clear(editor);
    await u.paste('[1, 2]');
    await u.click(screen.getByRole('button', { name: 'Expired' }));
    expect(await screen.findByText('the claims must be a JSON object ({ … })')).toBeInTheDocument();
    expect(screen.queryByLabelText('Re-signed token')).not.toBeInTheDocument();
  });

  it('shows why when the window cannot make a key', async () => {
    const spy = vi.spyOn(globalThis.crypto.subtle, 'generateKey').mockRejectedValue(new Error('WebCrypto is not available here'));
    try {
      const { u } = await pasteAndInspect(jwt);
      await u.click(screen.getByRole('tab', { name: 'Edit and re-sign' }));
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('This window could not make a test key');
      expect(alert).toHaveTextContent('WebCrypto is not available here');
    } finally {
      spy.mockRestore();
    }
  });

  it('offers no verify or re-sign tabs for an opaque token', async () => {
    const admin = fakeAdmin({ ...lists, 'tokens.inspect': () => ({ format: 'opaque', prefixKind: 'access token', token: makeToken(), jwt: null, audience: null, notes: [], record: { active: true } }) });
    renderConsole(<PasteInspector />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.type(screen.getByLabelText(/^Token/), 'oc_at_abc');
    await u.click(screen.getByRole('button', { name: 'Inspect' }));
    expect(await screen.findByLabelText('Stored record')).toHaveTextContent('"active": true');
    expect(screen.queryByRole('tab')).not.toBeInTheDocument();
  });
});
