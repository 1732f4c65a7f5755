import type { Account, KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../store/database';
import { findUser, findWorkspace, membershipRole } from '../store/identity-store';
import { grantContext } from '../store/grants-store';

/** The workspace a token or ID token is for: from the token, else its grant. */
async function workspaceFor(db: Db, ctx: KoaContextWithOIDC, token: { extra?: Record<string, unknown>; grantId?: string } | undefined) {
  const fromToken = token?.extra?.workspace_id;
  if (typeof fromToken === 'string') return fromToken;
  const grantId = token?.grantId ?? ctx.oidc?.entities.Grant?.jti;
  if (!grantId) return undefined;
  return (await grantContext(db, grantId))?.workspaceId ?? undefined;
}

/** oidc-provider's `findAccount`: test users are the accounts. */
export function createFindAccount(db: Db) {
  return async function findAccount(ctx: KoaContextWithOIDC, sub: string, token?: unknown): Promise<Account | undefined> {
    const user = await findUser(db, sub);
    if (!user) return undefined;
    return {
      accountId: user.id,
      async claims() {
        const workspaceId = await workspaceFor(db, ctx, token as { extra?: Record<string, unknown>; grantId?: string } | undefined);
        const workspace = workspaceId ? await findWorkspace(db, workspaceId) : undefined;
        const role = workspace ? await membershipRole(db, workspace.id, user.id) : undefined;
        return {
          sub: user.id,
          name: user.name,
          given_name: user.givenName ?? undefined,
          family_name: user.familyName ?? undefined,
          picture: user.picture ?? undefined,
          preferred_username: user.email.split('@')[0],
          updated_at: Math.floor(user.createdAt / 1000),
          email: user.email,
          email_verified: true,
          groups: user.groups,
          roles: role ? [role] : [],
          workspace: workspace ? { id: workspace.id, name: workspace.name, slug: workspace.slug, role: role ?? null } : undefined,
        };
      },
    };
  };
}
