import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Recognisable prefix of the admin token, so a leaked one is easy to spot. */
export const ADMIN_TOKEN_PREFIX = 'oc_adm_';

/** A fresh admin token: 256 random bits, minted at every start and never stored. */
export function mintAdminToken(): string {
  return `${ADMIN_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Constant-time check of a presented token (hashing first makes the lengths equal). */
export function adminTokenMatches(presented: string | undefined, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
