import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWK } from 'jose';
import { DpopError } from '../http/errors';
import type { Db } from '../store/database';

/** Proof algorithms accepted: the engine's (`dpop_signing_alg_values_supported`), so a client uses one key for both. */
export const DPOP_ALGS = ['ES256', 'Ed25519', 'EdDSA'] as const;

/** How old a proof may be (its `iat`), seconds; and how far ahead of our clock. */
const MAX_AGE_S = 60;
const MAX_AHEAD_S = 5;
/** Proof ids remembered per server at most; past that, expired ones are dropped first. */
const MAX_REMEMBERED = 100_000;

/** What the proof of one request must match. */
export interface ProofRequest {
  /** The request's `DPoP` header(s), as received. */
  proof: string | undefined;
  method: string;
  /** The request's URL without query and fragment (`htu`). */
  url: string;
  /** The access token presented with it (`ath` is its SHA-256). */
  accessToken: string;
  /** The token's key binding (`cnf.jkt`): the proof's key must have this thumbprint. */
  jkt: string;
}

const refuse = (description: string) => new DpopError('invalid_dpop_proof', description, DPOP_ALGS);

/** `htu` and the request's URL compare without query, fragment and default port (RFC 9449 section 4.3, point 9). */
function sameTarget(htu: unknown, url: string): boolean {
  const a = typeof htu === 'string' ? URL.parse(htu) : null;
  const b = URL.parse(url);
  return !!a && !!b && a.protocol === b.protocol && a.host.toLowerCase() === b.host.toLowerCase() && a.pathname === b.pathname;
}

/**
 * Verifies DPoP proofs (RFC 9449 section 4.3) for the resource server: a JWT
 * of `typ: dpop+jwt`, signed by the public key in its own header; `htm` and
 * `htu` name this request; `iat` is fresh; `ath` is the base64url SHA-256
 * of the access token; the key's thumbprint is the token's `cnf.jkt`; and
 * its `jti` was not seen before within the freshness window. The check and
 * the recording of a `jti` happen in one synchronous step, so of two
 * concurrent requests with one proof exactly one passes.
 */
export class DpopProofs {
  /** `jkt:jti` → when it may be forgotten (ms); in insertion order, which is expiry order. */
  readonly #seen = new Map<string, number>();

  async verify(request: ProofRequest, now = Date.now()): Promise<void> {
    const proof = request.proof;
    if (!proof) throw new DpopError('invalid_token', 'This access token is DPoP-bound: send a DPoP proof in the DPoP header', DPOP_ALGS);
    if (proof.includes(',') || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(proof)) throw refuse('The DPoP header must hold exactly one proof (a JWT)');
    let header: ReturnType<typeof decodeProtectedHeader>;
    let payload: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(proof);
      ({ payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: [...DPOP_ALGS] }));
    } catch (err) {
      throw refuse(`The DPoP proof does not verify: ${(err as Error).message}`);
    }
    if (payload.htm !== request.method) throw refuse(`The DPoP proof is for ${String(payload.htm)}, not for this ${request.method} request`);
    if (!sameTarget(payload.htu, request.url)) throw refuse(`The DPoP proof is for ${String(payload.htu)}, not for ${request.url}`);
    const iat = payload.iat;
    const nowS = Math.floor(now / 1000);
    if (typeof iat !== 'number' || iat < nowS - MAX_AGE_S || iat > nowS + MAX_AHEAD_S) throw refuse(`The DPoP proof is not fresh: iat must be within the last ${MAX_AGE_S} seconds`);
    const ath = createHash('sha256').update(request.accessToken).digest('base64url');
    if (payload.ath !== ath) throw refuse('The DPoP proof is not for this access token (ath)');
    const thumbprint = await calculateJwkThumbprint(header.jwk as JWK, 'sha256');
    if (thumbprint !== request.jkt) throw new DpopError('invalid_token', 'The DPoP proof is signed with another key than the one this token is bound to', DPOP_ALGS);
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) throw refuse('The DPoP proof needs a jti');
    // From here to the set: no await, so the check and the record are one step.
    this.#forget(now);
    const key = `${thumbprint}:${jti}`;
    if (this.#seen.has(key)) throw refuse('This DPoP proof was already used (jti replay)');
    this.#seen.set(key, now + (MAX_AGE_S + MAX_AHEAD_S) * 1000);
  }

  #forget(now: number): void {
    for (const [key, until] of this.#seen) {
      if (until > now && this.#seen.size < MAX_REMEMBERED) break;
      this.#seen.delete(key);
    }
  }
}

const proofsByDb = new WeakMap<Db, DpopProofs>();

/**
 * RFC 9449 section 7: a token bound to a key (`cnf.jkt`) is accepted only as
 * `Authorization: DPoP <token>` with a valid proof of that key for this
 * request; as `Bearer` it is refused, and so is an unbound token presented
 * as `DPoP`. Without the request (a caller that cannot show it), a bound
 * token is refused.
 */
export async function checkSenderConstraint(db: Db, issuer: string, token: { jkt?: string | undefined }, accessToken: string, ctx: Context | undefined): Promise<void> {
  const scheme = /^(\S+)\s/.exec(ctx?.get('authorization').trim() ?? '')?.[1]?.toLowerCase();
  if (!token.jkt) {
    if (scheme === 'dpop') throw new DpopError('invalid_token', 'This access token is not DPoP-bound: present it as "Authorization: Bearer <token>"', DPOP_ALGS);
    return;
  }
  if (!ctx || scheme !== 'dpop') throw new DpopError('invalid_token', 'This access token is DPoP-bound: present it as "Authorization: DPoP <token>" with a DPoP proof', DPOP_ALGS);
  let proofs = proofsByDb.get(db);
  if (!proofs) proofsByDb.set(db, (proofs = new DpopProofs()));
  await proofs.verify({ proof: ctx.get('dpop') || undefined, method: ctx.method, url: new URL(ctx.path, issuer).toString(), accessToken, jkt: token.jkt });
}
