import { randomBytes } from 'node:crypto';
import { cachesOf, readThrough } from './caches';
import type { Db } from './database';
import type { Selectable } from 'kysely';
import type { Role, UserTable } from './schema';

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  givenName: string | null;
  familyName: string | null;
  picture: string | null;
  groups: string[];
  locale: string | null;
  emailVerified: boolean;
  phoneNumber: string | null;
  phoneNumberVerified: boolean;
  /** Extra claims (a JSON object), released with the `profile` scope. */
  extraClaims: Record<string, unknown>;
  createdAt: number;
}

export interface WorkspaceRecord {
  id: string;
  name: string;
  slug: string;
  createdAt: number;
}

export interface MembershipRecord {
  workspace: WorkspaceRecord;
  role: Role;
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('created_at').orderBy('email').execute();
  return rows.map(toUser);
}

export async function findUser(db: Db, id: string): Promise<UserRecord | undefined> {
  const caches = cachesOf(db);
  return readThrough(caches, 'user', id, async () => {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toUser(row) : undefined;
  });
}

/** Finds a user by id or email: what `login_hint` may carry. */
export async function findUserByHint(db: Db, hint: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', hint), eb('email', '=', hint.toLowerCase())]))
    .executeTakeFirst();
  return row ? toUser(row) : undefined;
}

export async function findWorkspace(db: Db, id: string): Promise<WorkspaceRecord | undefined> {
  const caches = cachesOf(db);
  return readThrough(caches, 'workspace', id, async () => {
    const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, name: row.name, slug: row.slug, createdAt: row.created_at } : undefined;
  });
}

export async function userMemberships(db: Db, userId: string): Promise<MembershipRecord[]> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['workspaces.id', 'workspaces.name', 'workspaces.slug', 'workspaces.created_at', 'memberships.role'])
    .where('memberships.user_id', '=', userId)
    .orderBy('workspaces.created_at')
    .execute();
  return rows.map((r) => ({ workspace: { id: r.id, name: r.name, slug: r.slug, createdAt: r.created_at }, role: r.role }));
}

/**
 * Every user's memberships, keyed by user id, in one query: what the sign-in
 * page labels its picker with (one query per listed user would grow with
 * the user count on every sign-in).
 */
export async function membershipsByUser(db: Db): Promise<Map<string, MembershipRecord[]>> {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['memberships.user_id', 'workspaces.id', 'workspaces.name', 'workspaces.slug', 'workspaces.created_at', 'memberships.role'])
    .orderBy('workspaces.created_at')
    .execute();
  const byUser = new Map<string, MembershipRecord[]>();
  for (const r of rows) {
    const list = byUser.get(r.user_id) ?? [];
    list.push({ workspace: { id: r.id, name: r.name, slug: r.slug, createdAt: r.created_at }, role: r.role });
    byUser.set(r.user_id, list);
  }
  return byUser;
}

/** The user's role in the workspace now; undefined when not a member (remembered too, as "not a member"). */
export async function membershipRole(db: Db, workspaceId: string, userId: string): Promise<Role | undefined> {
  const caches = cachesOf(db);
  const role = await readThrough(caches, 'membership', `${workspaceId} ${userId}`, async () => {
    const row = await db
      .selectFrom('memberships')
      .select('role')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.role ?? null;
  });
  return (role as Role | null) ?? undefined;
}

export async function workspaceMembers(db: Db, workspaceId: string) {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.name', 'memberships.role', 'memberships.created_at'])
    .where('memberships.workspace_id', '=', workspaceId)
    .orderBy('memberships.created_at')
    .execute();
}

/** The first OWNER of a workspace: who auto-approve signs in when no hint is given. */
export async function workspaceOwner(db: Db, workspaceId: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .selectAll('users')
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.role', '=', 'OWNER')
    .orderBy('memberships.created_at')
    .executeTakeFirst();
  return row ? toUser(row) : undefined;
}

/** A users row as a record: JSON columns parsed, 0/1 columns as booleans. */
export function toUser(row: Selectable<UserTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    givenName: row.given_name,
    familyName: row.family_name,
    picture: row.picture,
    groups: JSON.parse(row.groups) as string[],
    locale: row.locale,
    emailVerified: row.email_verified === 1,
    phoneNumber: row.phone_number,
    phoneNumberVerified: row.phone_number_verified === 1,
    extraClaims: JSON.parse(row.extra_claims) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}

/** The oldest workspace's id (where dynamically registered clients go unless a setting names one). */
export async function firstWorkspaceId(db: Db): Promise<string | undefined> {
  return (await db.selectFrom('workspaces').select('id').orderBy('created_at').executeTakeFirst())?.id;
}
