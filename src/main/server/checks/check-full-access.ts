import { FULL_ACCESS_SCOPE, findScope } from '../../../shared/scopes';
import type { Db } from '../../store/database';
import type { BearerPrincipal } from '../bearer';
import { checkRole } from './check-role';
import type { Refuse } from './refusal';

/**
 * `admin:all` counts only on a token a user granted in a workspace, and
 * only while that user still has the scope's role there (OWNER): a demoted
 * owner's tokens lose it at once, bot tokens included.
 */
export async function checkFullAccess(db: Db, principal: BearerPrincipal, refuse: Refuse): Promise<void> {
  if (!principal.accountId || !principal.workspaceId) throw refuse(`"${FULL_ACCESS_SCOPE}" counts only on a token an OWNER of its workspace granted`);
  await checkRole(db, principal.workspaceId, principal.accountId, findScope(FULL_ACCESS_SCOPE)!.minRole, `use "${FULL_ACCESS_SCOPE}"`, refuse);
}
