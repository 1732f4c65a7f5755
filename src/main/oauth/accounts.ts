import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../store/database';
import { findUser, findWorkspace, membershipRole, type UserRecord, type WorkspaceRecord } from '../store/identity-store';
import { grantContext } from '../store/grants-store';
import type { Role } from '../store/schema';
import { EXTRA_CLAIMS } from './extra-claims';

/** The workspace a token or ID token is for: from the token, else its grant. */
async function workspaceFor(db: Db, ctx: KoaContextWithOIDC | undefined, token: { extra?: Record<string, unknown>; grantId?: string } | undefined) {
  const fromToken = token?.extra?.workspace_id;
  if (typeof fromToken === 'string') return fromToken;
  const grantId = token?.grantId ?? ctx?.oidc?.entities.Grant?.jti;
  if (!grantId) return undefined;
  return (await grantContext(db, grantId))?.workspaceId ?? undefined;
}

/**
 * Every claim a user has, before the engine filters them by scope: the
 * standard ones (OIDC Core §5.1), the workspace's, and the extra claims
 * under `EXTRA_CLAIMS` (released with `profile`, see extra-claims.ts).
 */
export function userClaims(user: UserRecord, workspace: WorkspaceRecord | undefined, role: Role | undefined): Record<string | symbol, unknown> {
  return {
    sub: user.id,
    name: user.name,
    given_name: user.givenName ?? undefined,
    family_name: user.familyName ?? undefined,
    picture: user.picture ?? undefined,
    locale: user.locale ?? undefined,
    preferred_username: user.email.split('@')[0],
    updated_at: Math.floor(user.createdAt / 1000),
    email: user.email,
    email_verified: user.emailVerified,
    phone_number: user.phoneNumber ?? undefined,
    phone_number_verified: user.phoneNumber ? user.phoneNumberVerified : undefined,
    groups: user.groups,
    roles: role ? [role] : [],
    workspace: workspace ? { id: workspace.id, name: workspace.name, slug: workspace.slug, role: role ?? null } : undefined,
    [EXTRA_CLAIMS]: user.extraClaims,
  };
}

/**
 * oidc-provider's `findAccount`: test users are the accounts. Evaluate calls
 * it too, without a request (`ctx` undefined), with the grant it would use.
 */
export function createFindAccount(db: Db) {
  return async function findAccount(ctx: KoaContextWithOIDC | undefined, sub: string, token?: unknown): Promise<Account | undefined> {
    const user = await findUser(db, sub);
    if (!user) return undefined;
    return {
      accountId: user.id,
      async claims() {
        const workspaceId = await workspaceFor(db, ctx, token as { extra?: Record<string, unknown>; grantId?: string } | undefined);
        const workspace = workspaceId ? await findWorkspace(db, workspaceId) : undefined;
        const role = workspace ? await membershipRole(db, workspace.id, user.id) : undefined;
        return userClaims(user, workspace, role) as unknown as Awaited<ReturnType<Account['claims']>>;
      },
    };
  };
}
