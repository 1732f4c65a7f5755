/** A member's role in a workspace, most powerful first (the order lists show them in). */
export const ROLES = ['OWNER', 'ADMIN', 'MEMBER'] as const;
export type Role = (typeof ROLES)[number];

/** Roles ordered by power; a scope may require a minimum role for `self` actors. */
export const ROLE_RANK: Record<Role, number> = { MEMBER: 1, ADMIN: 2, OWNER: 3 };

/** True when `role` is `needed` or more powerful (an unknown role reaches nothing). */
export function roleReaches(role: Role | undefined, needed: Role): boolean {
  return role !== undefined && ROLE_RANK[role] >= ROLE_RANK[needed];
}
