import { createHash, createHmac, randomBytes } from 'node:crypto';
import Provider, { type Adapter, type AdapterPayload, type KoaContextWithOIDC } from 'oidc-provider';
import type { Middleware } from 'koa';
import { PKCE_POLICIES, type PkcePolicy } from '../../shared/contract/apps';
import type { Db } from '../store/database';
import { insertManagedPkce, managedPkceNonce } from '../store/managed-pkce-store';

/** What `pkce.required` and the token endpoint need to know of a client. */
interface PkceClient {
  clientId: string;
  clientAuthMethod?: string | undefined;
  metadata(): Record<string, unknown>;
}

/** The client's PKCE policy; public clients are always `required`, whatever is stored. */
export function pkcePolicyOf(client: PkceClient): PkcePolicy {
  if (client.clientAuthMethod === 'none') return 'required';
  const stored = client.metadata().pkce_policy;
  return (PKCE_POLICIES as readonly unknown[]).includes(stored) ? (stored as PkcePolicy) : 'optional';
}

interface Originated {
  challenge: string;
  clientId: string;
  nonce: string;
}

/**
 * Dashboard-managed PKCE (seed 000) for confidential clients that cannot
 * originate PKCE themselves. Three pieces of glue around the engine's own
 * PKCE code, which does every check:
 *
 * 1. `required(ctx, client)` is the engine's `pkce.required`. For a
 *    `managed` client whose authorization (or pushed) request has no
 *    `code_challenge`, it makes one: a random nonce, the verifier
 *    HMAC-SHA256(server key, client id + nonce), its S256 challenge put into
 *    the request's parameters, so the interaction and then the code carry it.
 * 2. `persist` (a `provider.use` middleware) stores the challenge, the client
 *    and the nonce (never the verifier) before the response leaves.
 * 3. `wrapCodes` wraps the AuthorizationCode adapter: when the token endpoint
 *    looks the code up for an authorization_code grant without
 *    `code_verifier`, and the code's challenge is one the server made for the
 *    authenticated client, which is still `managed`, it puts the verifier
 *    into the request's parameters; the engine then checks it against the
 *    code as for any client.
 */
export class ManagedPkce {
  readonly #db: Db;
  readonly #key: Buffer;
  readonly #ttlSeconds: () => number;
  readonly #pending = new WeakMap<object, Originated>();

  /** `ttlSeconds`: how long a made challenge can still be redeemed (sign-in, consent and the code's lifetime). */
  constructor(db: Db, secret: string, ttlSeconds: () => number) {
    this.#db = db;
    this.#key = createHash('sha256').update(`managed-pkce:${secret}`).digest();
    this.#ttlSeconds = ttlSeconds;
  }

  #verifier(clientId: string, nonce: string): string {
    return createHmac('sha256', this.#key).update(`${clientId}\n${nonce}`).digest('base64url');
  }

  /** The engine's `pkce.required`: called only for a code request without `code_challenge`. */
  required = (ctx: KoaContextWithOIDC, client: PkceClient): boolean => {
    const policy = pkcePolicyOf(client);
    if (policy !== 'managed') return policy === 'required';
    const nonce = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(this.#verifier(client.clientId, nonce)).digest('base64url');
    const params = ctx.oidc.params as Record<string, unknown>;
    params.code_challenge = challenge;
    params.code_challenge_method = 'S256';
    this.#pending.set(ctx, { challenge, clientId: client.clientId, nonce });
    return false;
  };

  /** Stores what `required` made during this request; the engine's response waits for it. */
  persist: Middleware = async (ctx, next) => {
    await next();
    const made = this.#pending.get(ctx);
    if (!made) return;
    this.#pending.delete(ctx);
    await insertManagedPkce(this.#db, { challenge: made.challenge, clientId: made.clientId, nonce: made.nonce, expiresAt: Date.now() + this.#ttlSeconds() * 1000 });
  };

  /** The AuthorizationCode adapter, supplying the verifier of managed codes at the token endpoint. */
  wrapCodes(codes: Adapter): Adapter {
    const supply = (id: string, payload: AdapterPayload) => this.#supplyVerifier(id, payload);
    return {
      upsert: (id, payload, expiresIn) => codes.upsert(id, payload, expiresIn),
      async find(id) {
        const payload = await codes.find(id);
        if (payload) await supply(id, payload);
        return payload;
      },
      findByUid: (uid) => codes.findByUid(uid),
      findByUserCode: (userCode) => codes.findByUserCode(userCode),
      consume: (id) => codes.consume(id),
      destroy: (id) => codes.destroy(id),
      revokeByGrantId: (grantId) => codes.revokeByGrantId(grantId),
    };
  }

  async #supplyVerifier(id: string, code: AdapterPayload): Promise<void> {
    const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
    const params = ctx?.oidc?.params as Record<string, unknown> | undefined;
    const client = ctx?.oidc?.client as PkceClient | undefined;
    if (!params || params.grant_type !== 'authorization_code' || params.code !== id || params.code_verifier !== undefined) return;
    if (typeof code.codeChallenge !== 'string' || !client || client.clientId !== code.clientId || pkcePolicyOf(client) !== 'managed') return;
    const nonce = await managedPkceNonce(this.#db, code.codeChallenge, client.clientId);
    if (nonce) params.code_verifier = this.#verifier(client.clientId, nonce);
  }
}
