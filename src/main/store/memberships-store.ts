import type { Membership } from '../../shared/contract/identity';
import type { Db } from './database';
import { dialectOf } from './dialect';
import type { Role } from './schema';

/** Memberships with their workspace's and user's names, oldest first. */
export async function membershipViews(db: Db, where: { workspaceId?: string; userId?: string }): Promise<Membership[]> {
  let query = db
    .selectFrom('memberships as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.workspace_id', 'w.name as workspace_name', 'm.user_id', 'u.email', 'u.name as user_name', 'm.role', 'm.created_at']);
  if (where.workspaceId) query = query.where('m.workspace_id', '=', where.workspaceId);
  if (where.userId) query = query.where('m.user_id', '=', where.userId);
  const rows = await query.orderBy('m.created_at').orderBy('u.email').execute();
  return rows.map((r) => ({
    workspaceId: r.workspace_id,
    workspaceName: r.workspace_name,
    userId: r.user_id,
    userEmail: r.email,
    userName: r.user_name,
    role: r.role,
    createdAt: r.created_at,
  }));
}

/**
 * How many OWNERs the workspace has, asked before demoting or removing one.
 * On PostgreSQL the owner rows are locked (`for update`) for the rest of the
 * unit: two demotions of the last two owners at once would each count two
 * and leave none; with the lock the second waits, then counts what the first
 * committed. SQLite's units are serialised, so a count is enough there.
 */
export async function ownerCount(db: Db, workspaceId: string): Promise<number> {
  const owners = db.selectFrom('memberships').select('user_id').where('workspace_id', '=', workspaceId).where('role', '=', 'OWNER');
  const rows = await (dialectOf(db) === 'postgres' ? owners.forUpdate() : owners).execute();
  return rows.length;
}

export async function insertMembership(db: Db, workspaceId: string, userId: string, role: Role): Promise<void> {
  await db.insertInto('memberships').values({ workspace_id: workspaceId, user_id: userId, role, created_at: Date.now() }).execute();
}

export async function setMembershipRole(db: Db, workspaceId: string, userId: string, role: Role): Promise<void> {
  await db.updateTable('memberships').set({ role }).where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
}

export async function deleteMembership(db: Db, workspaceId: string, userId: string): Promise<void> {
  await db.deleteFrom('memberships').where('workspace_id', '=', workspaceId).where('user_id', '=', userId).execute();
}
