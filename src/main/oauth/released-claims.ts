import { findScope } from '../../shared/scopes';
import type { MembershipRecord, UserRecord } from '../store/identity-store';
import { userClaims } from './accounts';
import { EXTRA_CLAIMS, EXTRA_CLAIMS_SCOPE } from './extra-claims';

/** A value as one short line for the consent screen. */
function shown(value: unknown): string {
  let text: string;
  if (typeof value === 'boolean') text = value ? 'yes' : 'no';
  else if (Array.isArray(value)) text = value.map(shown).join(' ');
  else if (value !== null && typeof value === 'object') text = typeof (value as { name?: unknown }).name === 'string' ? (value as { name: string }).name : JSON.stringify(value);
  else text = String(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * The user's claims a scope releases (the catalog's claims of the scope,
 * plus the extra claims with `profile`), with their values as the consent
 * screen lists them: "this app will see". Claims the user has no value for
 * are left out, as the engine leaves them out of the token.
 */
export function releasedClaims(scope: string, user: UserRecord, membership: MembershipRecord | undefined): Array<{ name: string; value: string }> {
  const def = findScope(scope);
  if (!def || def.kind !== 'oidc' || scope === 'openid') return [];
  const all = userClaims(user, membership?.workspace, membership?.role);
  const named = def.claims.filter((name) => all[name] !== undefined).map((name) => ({ name, value: shown(all[name]) }));
  const extra = scope === EXTRA_CLAIMS_SCOPE ? Object.entries(all[EXTRA_CLAIMS] as Record<string, unknown>).map(([name, value]) => ({ name, value: shown(value) })) : [];
  return [...named, ...extra];
}
