import type { Token, TokenStatus } from '../../../shared/contract';
import { useNow } from './use-now';

/**
 * A token's status as of `now`. The server's answer is as of when it was
 * fetched; an `active` token whose expiry has passed since is expired, and
 * the console must not show it green or offer to revoke it.
 */
export function tokenStatusAt(token: Pick<Token, 'status' | 'expiresAt'>, now: number): TokenStatus {
  return token.status === 'active' && token.expiresAt !== null && token.expiresAt <= now ? 'expired' : token.status;
}

/** The token's status, following the clock (the shared one-second tick). */
export function useTokenStatus(token: Pick<Token, 'status' | 'expiresAt'>): TokenStatus {
  return tokenStatusAt(token, useNow());
}
