import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { VerifyCheck } from '../../shared/contract/token-verification';
import type { AdminServer } from './context';
import { invalid } from './errors';
import { relativeTime } from './token-inspection';
import { jwksFromUrl, pastedKeys, type VerificationKeys } from './verification-keys';

type Output = ProcedureOutput<'tokens.verify'>;

interface SignatureResult {
  valid: boolean;
  matchedKid: string | null;
  detail: string;
}

/** Why one key did not verify the token, in words. */
function keyProblem(err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'the signature does not match: the token was changed after signing, or another key signed it';
  return (err as Error).message;
}

/**
 * Tries the keys that may have signed the token: those with its `kid` when
 * it has one (and any key has a kid), else every key; a key whose own `alg`
 * differs from the token's is skipped. The first that verifies wins.
 */
async function checkSignature(token: string, alg: string, kid: string | null, given: VerificationKeys): Promise<SignatureResult> {
  const named = kid !== null && given.keys.some((k) => k.kid !== undefined);
  const candidates = named ? given.keys.filter((k) => k.kid === kid) : given.keys;
  if (candidates.length === 0) {
    const kids = given.keys.map((k) => k.kid ?? '(no kid)').join(', ');
    return { valid: false, matchedKid: null, detail: `no key has kid "${kid}" (the keys given: ${kids}): another key signed it` };
  }
  const problems: string[] = [];
  for (const jwk of candidates) {
    const label = jwk.kid ? `key "${jwk.kid}"` : `the ${jwk.kty} key`;
    if (jwk.alg !== undefined && jwk.alg !== alg) {
      problems.push(`${label} is for ${jwk.alg}, the token says ${alg}`);
      continue;
    }
    try {
      await compactVerify(token, await importJWK(jwk as JWK, alg), { algorithms: [alg] });
      return { valid: true, matchedKid: jwk.kid ?? null, detail: `valid: ${alg}, verified with ${label}${given.privateGiven ? ' (the public part of the private key pasted)' : ''}` };
    } catch (err) {
      problems.push(`${label}: ${keyProblem(err)}`);
    }
  }
  return { valid: false, matchedKid: null, detail: `invalid: ${problems.join('; ')}` };
}

function timeChecks(payload: Record<string, unknown>, now: number): VerifyCheck[] {
  const checks: VerifyCheck[] = [];
  const { exp, nbf } = payload;
  if (exp === undefined) checks.push({ check: 'expiry', result: 'info', detail: 'no exp: the token never expires' });
  else if (typeof exp !== 'number') checks.push({ check: 'expiry', result: 'failed', detail: 'exp is not a number of seconds' });
  else if (exp * 1000 <= now) checks.push({ check: 'expiry', result: 'failed', detail: `expired ${relativeTime(exp * 1000, now)} (${new Date(exp * 1000).toISOString()})` });
  else checks.push({ check: 'expiry', result: 'ok', detail: `expires ${relativeTime(exp * 1000, now)} (${new Date(exp * 1000).toISOString()})` });
  if (typeof nbf === 'number' && nbf * 1000 > now) checks.push({ check: 'not_before', result: 'failed', detail: `not valid before ${new Date(nbf * 1000).toISOString()} (${relativeTime(nbf * 1000, now)})` });
  return checks;
}

function issuerCheck(iss: unknown, expected: string | undefined, ours: string): VerifyCheck {
  const who = iss === ours ? ' (this server)' : '';
  if (expected === undefined) return { check: 'issuer', result: 'info', detail: iss === undefined ? 'no iss' : `iss ${JSON.stringify(iss)}${who}` };
  return iss === expected
    ? { check: 'issuer', result: 'ok', detail: `iss is ${JSON.stringify(expected)}${who}` }
    : { check: 'issuer', result: 'failed', detail: `iss is ${JSON.stringify(iss ?? null)}, expected ${JSON.stringify(expected)}` };
}

function audienceCheck(aud: unknown, expected: string | undefined): VerifyCheck {
  const list = Array.isArray(aud) ? aud : aud === undefined ? [] : [aud];
  if (expected === undefined) return { check: 'audience', result: 'info', detail: list.length ? `aud ${JSON.stringify(aud)}` : 'no aud' };
  return list.includes(expected)
    ? { check: 'audience', result: 'ok', detail: `aud includes ${JSON.stringify(expected)}` }
    : { check: 'audience', result: 'failed', detail: `aud is ${JSON.stringify(aud ?? null)}, expected ${JSON.stringify(expected)}` };
}

/** The token's header and claims, or a field error saying why it is not a signed JWT. */
function decodeToken(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.split('.');
  if (parts.length === 5) throw invalid([{ field: 'token', message: 'an encrypted JWT (JWE): it has no signature to check with a public key' }]);
  try {
    if (parts.length !== 3) throw new Error(`${parts.length} parts`);
    return { header: decodeProtectedHeader(token) as Record<string, unknown>, payload: decodeJwt(token) as Record<string, unknown> };
  } catch (err) {
    throw invalid([{ field: 'token', message: `not a signed JWT (three base64url parts: header, claims, signature): ${(err as Error).message}` }]);
  }
}

/**
 * Verifies a JWT against a key the admin gives (pasted, or a JWKS URL the
 * server fetches), and answers a verdict: signature, alg, kid, expiry,
 * issuer and audience. Nothing given is stored or logged.
 */
export async function verifyToken(ctx: Pick<AdminServer, 'issuer'>, input: ParsedInput<'tokens.verify'>, now = Date.now()): Promise<Output> {
  const { header, payload } = decodeToken(input.token);
  const given = input.key !== undefined ? pastedKeys(input.key) : await jwksFromUrl(input.jwksUrl!);
  const alg = typeof header.alg === 'string' ? header.alg : null;
  const kid = typeof header.kid === 'string' ? header.kid : null;
  const signature: SignatureResult =
    alg === null || alg === 'none'
      ? { valid: false, matchedKid: null, detail: 'invalid: unsigned (alg "none" or no alg), never to be accepted' }
      : await checkSignature(input.token, alg, kid, given);
  const checks: VerifyCheck[] = [
    { check: 'signature', result: signature.valid ? 'ok' : 'failed', detail: signature.detail },
    ...timeChecks(payload, now),
    issuerCheck(payload.iss, input.expectedIssuer, ctx.issuer),
    audienceCheck(payload.aud, input.expectedAudience),
  ];
  return {
    verdict: checks.some((c) => c.result === 'failed') ? 'invalid' : 'valid',
    signatureValid: signature.valid,
    alg,
    kid,
    keySource: given.source,
    keyCount: given.keys.length,
    matchedKid: signature.matchedKid,
    iss: payload.iss ?? null,
    aud: payload.aud ?? null,
    exp: typeof payload.exp === 'number' ? payload.exp : null,
    checks,
    header,
    payload,
  };
}
