import { FULL_ACCESS_SCOPE, findScope } from '../../shared/scopes';
import type { Role } from '../store/schema';
import type { Db } from '../store/database';
import type { BearerPrincipal } from './bearer';
import { checkFullAccess } from './checks/check-full-access';
import { checkRole } from './checks/check-role';
import { checkScope } from './checks/check-scope';
import { checkWorkspace } from './checks/check-workspace';
import { insufficientScope } from './checks/refusal';

/** An authenticated caller the named checks let through, with its role when it acts as a user. */
export type AuthorizedCaller = BearerPrincipal & { role?: Role };

/**
 * The named checks of a call on the sample resources (the REST API and the
 * sample MCP server run the same): the scope (or `admin:all`), for a call
 * on a workspace that the token is bound to one (and to `workspace.expected`
 * when the call names it), `admin:all`'s granter, and, acting as the user,
 * the user's role for the scope. Refusals are 403 `insufficient_scope`
 * naming `scope`, so a client can step up.
 */
export async function authorizeScope(db: Db, principal: BearerPrincipal, scope: string, workspace?: { expected?: string }): Promise<AuthorizedCaller> {
  const refuse = insufficientScope(scope);
  const via = checkScope(principal, [scope]);
  if (workspace) checkWorkspace(principal, refuse, workspace.expected);
  if (via === FULL_ACCESS_SCOPE) await checkFullAccess(db, principal, refuse);
  if (principal.actor === 'self' && principal.accountId && principal.workspaceId) {
    const needed = findScope(via)?.minRole ?? 'MEMBER';
    return { ...principal, role: await checkRole(db, principal.workspaceId, principal.accountId, needed, `use "${via}" acting as themselves`, refuse) };
  }
  return principal;
}
