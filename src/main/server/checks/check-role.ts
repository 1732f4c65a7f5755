import { ROLES, roleReaches, type Role } from '../../../shared/roles';
import type { Db } from '../../store/database';
import { membershipRole } from '../../store/identity-store';
import type { Refuse } from './refusal';

/** `OWNER and ADMIN` for ADMIN: the roles that reach `needed`, by the one role rule. */
function rolesReaching(needed: Role): string {
  const names = ROLES.filter((role) => roleReaches(role, needed));
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0]!;
}

/**
 * The user must be a member of the workspace now (a removed member's token
 * stops working at once) with a role that reaches `needed`. `action` ends
 * the refusal: "Only OWNER and ADMIN members can <action>; this user is MEMBER".
 */
export async function checkRole(db: Db, workspaceId: string, accountId: string, needed: Role, action: string, refuse: Refuse): Promise<Role> {
  const role = await membershipRole(db, workspaceId, accountId);
  if (!role) throw refuse('The user of this token is no longer a member of its workspace');
  if (!roleReaches(role, needed)) throw refuse(`Only ${rolesReaching(needed)} members can ${action}; this user is ${role}`);
  return role;
}
