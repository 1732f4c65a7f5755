import { errors, type Configuration } from 'oidc-provider';
import { FULL_ACCESS_SCOPE } from '../../shared/scopes';
import type { Db } from '../store/database';
import { grantContext, type GrantContext } from '../store/grants-store';

/** The claims every access token adds to the standard ones: its workspace and actor (what the resource API authorizes by). */
export function contextClaims(context: GrantContext): { workspace_id: string | undefined; actor: string } {
  return { workspace_id: context.workspaceId ?? undefined, actor: context.actor ?? 'self' };
}

type ExtraTokenClaims = NonNullable<Configuration['extraTokenClaims']>;

/**
 * The engine's `extraTokenClaims`. A client-credentials token acts as the
 * app's bot in the app's workspace and never carries `admin:all`; any other
 * token takes its grant's workspace and actor (set at consent, or by "Mint a
 * token"). Minted tokens are saved outside a request, so the client comes
 * from the token when there is no request.
 */
export function createExtraTokenClaims(db: Db): ExtraTokenClaims {
  return async (ctx, token) => {
    if (token.kind === 'ClientCredentials') {
      if (String(token.scope ?? '').split(' ').includes(FULL_ACCESS_SCOPE)) {
        throw new errors.InvalidScope(`${FULL_ACCESS_SCOPE} is granted only by an OWNER's consent, never to client credentials`, FULL_ACCESS_SCOPE);
      }
      const client = ctx?.oidc.client ?? (token as { client?: typeof ctx.oidc.client }).client;
      // An extra metadata field sits on the client under its own name; metadata() would copy every field.
      return { workspace_id: (client as { workspace_id?: string } | undefined)?.workspace_id, actor: 'app' };
    }
    const grantId = (token as { grantId?: string }).grantId;
    const context = grantId ? await grantContext(db, grantId) : undefined;
    return context ? contextClaims(context) : undefined;
  };
}
