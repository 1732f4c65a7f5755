import { createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { CappedFetchError, fetchCapped } from '../http/fetch-capped';
import { invalid } from './errors';

/** A JWKS fetched for verification: at most this large, answered within this time. */
export const JWKS_FETCH_LIMITS = { maxBytes: 64 * 1024, timeoutMs: 5000 };

/** The keys to verify with, all as public JWKs, and where they came from. */
export interface VerificationKeys {
  source: 'jwk' | 'jwks' | 'pem' | 'jwks_url';
  keys: JWK[];
  /** A private key was pasted: only its public part is used (and nothing is kept). */
  privateGiven: boolean;
}

/** Members that make a JWK private; `k` (a shared secret, HMAC) stays: it is the key itself. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'];

function publicPart(jwk: JWK): { jwk: JWK; wasPrivate: boolean } {
  const wasPrivate = PRIVATE_MEMBERS.some((m) => m in jwk);
  return { jwk: Object.fromEntries(Object.entries(jwk).filter(([m]) => !PRIVATE_MEMBERS.includes(m))) as JWK, wasPrivate };
}

function isJwk(value: unknown): value is JWK {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { kty?: unknown }).kty === 'string';
}

/** A JWK or a JWKS (`{"keys": [...]}`), as JSON text; `field` names the input for field errors. */
export function keysFromJson(text: string, field: string, source: 'jwk' | 'jwks_url'): VerificationKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw invalid([{ field, message: `not valid JSON (${(err as Error).message})` }]);
  }
  const isSet = Array.isArray((parsed as { keys?: unknown } | null)?.keys);
  const list: unknown[] | undefined = isSet ? (parsed as { keys: unknown[] }).keys : isJwk(parsed) ? [parsed] : undefined;
  if (!list) throw invalid([{ field, message: 'neither a JWK (an object with "kty") nor a JWKS (an object with a "keys" array)' }]);
  if (list.length === 0) throw invalid([{ field, message: 'the key set has no keys' }]);
  const bad = list.findIndex((k) => !isJwk(k));
  if (bad >= 0) throw invalid([{ field, message: `key ${bad + 1} of the set is not a JWK (no "kty")` }]);
  const parts = (list as JWK[]).map(publicPart);
  return { source: source === 'jwk' && isSet ? 'jwks' : source, keys: parts.map((p) => p.jwk), privateGiven: parts.some((p) => p.wasPrivate) };
}

/** A PEM public key (SPKI or PKCS#1), an X.509 certificate, or a private key (its public part is used). */
export function keysFromPem(text: string, field: string): VerificationKeys {
  let key: KeyObject;
  const privateGiven = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text);
  try {
    key = /-----BEGIN CERTIFICATE-----/.test(text) ? new X509Certificate(text).publicKey : createPublicKey(text);
  } catch (err) {
    throw invalid([{ field, message: `not a usable PEM key or certificate (${(err as Error).message})` }]);
  }
  return { source: 'pem', keys: [key.export({ format: 'jwk' }) as JWK], privateGiven };
}

/** What the admin pasted: JSON (a JWK or a JWKS) or PEM. */
export function pastedKeys(text: string): VerificationKeys {
  if (text.startsWith('{')) return keysFromJson(text, 'key', 'jwk');
  if (text.startsWith('-----BEGIN')) return keysFromPem(text, 'key');
  throw invalid([{ field: 'key', message: 'paste a JWK or a JWKS (JSON, starting with "{") or a PEM key or certificate ("-----BEGIN …")' }]);
}

/** The JWKS at a URL, fetched by the server (see `fetchCapped` for the limits). */
export async function jwksFromUrl(url: string): Promise<VerificationKeys> {
  let text: string;
  try {
    text = await fetchCapped(url, JWKS_FETCH_LIMITS);
  } catch (err) {
    if (err instanceof CappedFetchError) throw invalid([{ field: 'jwksUrl', message: err.message }]);
    throw err;
  }
  return keysFromJson(text, 'jwksUrl', 'jwks_url');
}
