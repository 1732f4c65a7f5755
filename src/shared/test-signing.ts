import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** The `kid` of every re-signed token: says, in the token itself, that it is not this server's. */
export const TEST_KEY_KID = 'test-not-oauth-console';
/** The one algorithm re-signed tokens use; `none` is never offered. */
export const TEST_KEY_ALG = 'ES256';

/**
 * A throwaway key pair made in the console, once per console session (see
 * `useTestSigningKey`). Its private half never leaves the page (WebCrypto,
 * not extractable; pure code, so the tests sign exactly as the console does); the server never sees it and never trusts it, so every
 * token it signs is refused by the server's APIs: negative-test tokens.
 */
export interface TestSigningKey {
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  /** The public half, to verify a re-signed token with ("Verify" takes it as a pasted key). */
  publicJwk: JWK;
}

export async function generateTestSigningKey(): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(TEST_KEY_ALG);
  const publicJwk = { ...(await exportJWK(publicKey)), kid: TEST_KEY_KID, alg: TEST_KEY_ALG, use: 'sig' };
  return { privateKey, publicJwk };
}

/** A JWT's header and claims, or why the value is not one (for the editor's field error). */
export function decodeForEditing(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } | { error: string } {
  try {
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, payload: decodeJwt(token) as Record<string, unknown> };
  } catch (err) {
    return { error: `not a signed JWT: ${(err as Error).message}` };
  }
}

/** The claims the editor holds, parsed: a JSON object, or a field error. */
export function parseClaims(text: string): { claims: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'the claims must be a JSON object ({ … })' };
  return { claims: value as Record<string, unknown> };
}

/**
 * Signs `claims` with the test key. The header keeps the original's `typ`
 * (an `at+jwt` stays one) and takes the test key's `alg` and `kid`.
 */
export async function signWithTestKey(key: TestSigningKey, claims: Record<string, unknown>, originalHeader: Record<string, unknown> = {}): Promise<string> {
  const typ = typeof originalHeader.typ === 'string' ? { typ: originalHeader.typ } : {};
  return new SignJWT(claims).setProtectedHeader({ ...typ, alg: TEST_KEY_ALG, kid: TEST_KEY_KID }).sign(key.privateKey);
}

/** The negative tests the editor offers in one click; each returns new claims. */
export const NEGATIVE_PRESETS = [
  {
    id: 'expired',
    label: 'Expired',
    apply: (claims: Record<string, unknown>, nowSeconds: number) => ({ ...claims, iat: nowSeconds - 7200, exp: nowSeconds - 3600 }),
  },
  { id: 'wrong-audience', label: 'Wrong audience', apply: (claims: Record<string, unknown>) => ({ ...claims, aud: 'https://wrong-audience.example.test' }) },
  { id: 'wrong-issuer', label: 'Wrong issuer', apply: (claims: Record<string, unknown>) => ({ ...claims, iss: 'https://not-this-issuer.example.test' }) },
  {
    id: 'tampered',
    label: 'Tampered claims',
    apply: (claims: Record<string, unknown>) => ({ ...claims, sub: 'usr_tampered', ...(typeof claims.scope === 'string' ? { scope: `${claims.scope} admin:all` } : {}) }),
  },
] as const;
