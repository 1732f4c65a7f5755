import type Provider from 'oidc-provider';

/**
 * Where an account's claims carry the user's extra claims (see accounts.ts).
 * A symbol: the engine's claim filter only picks names it knows, and object
 * spreads (the engine copies account claims twice on the way to an ID token
 * or userinfo answer) keep it.
 */
export const EXTRA_CLAIMS = Symbol('extra claims');

/** The scope that releases a user's extra claims: they are part of the user's profile. */
export const EXTRA_CLAIMS_SCOPE = 'profile';

type ClaimsInstance = { available: Record<PropertyKey, unknown>; filter: Record<string, unknown> };
type ClaimsModel = { prototype: { scope(this: ClaimsInstance, value?: string): unknown; result(this: ClaimsInstance): Promise<Record<string, unknown>> } };

/**
 * Releases a user's extra claims with the `profile` scope. The engine
 * releases only the claim names its `claims` configuration lists, fixed when
 * it is built, while extra claim names are each user's own; so its claim
 * filter (the one the ID token and userinfo, and our Evaluate, go through)
 * is extended here: a filter given the `profile` scope adds the extra claims
 * after the standard ones. Their names never shadow a standard or protocol
 * claim (the contract refuses those names; the standard value wins anyway).
 */
export function installExtraClaims(provider: Provider): void {
  const model = provider.Claims as unknown as ClaimsModel;
  const releasing = new WeakSet<ClaimsInstance>();
  const { scope, result } = model.prototype;
  model.prototype.scope = function scopeWithExtraClaims(this: ClaimsInstance, value = '') {
    if (value.split(' ').includes(EXTRA_CLAIMS_SCOPE)) releasing.add(this);
    return scope.call(this, value);
  };
  model.prototype.result = async function resultWithExtraClaims(this: ClaimsInstance) {
    const released = await result.call(this);
    const extra = this.available[EXTRA_CLAIMS] as Record<string, unknown> | undefined;
    if (!extra || !releasing.has(this)) return released;
    return { ...extra, ...released };
  };
}
