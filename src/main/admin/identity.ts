import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Db } from '../store/database';
import { newId } from '../store/identity-store';
import { isConstraintViolation } from '../store/constraint-errors';
import { deleteMembership, insertMembership, membershipViews, ownerCount, setMembershipRole } from '../store/memberships-store';
import { insertUser, removeUserCascade, updateUserRow, userViews } from '../store/users-store';
import { insertWorkspace, removeWorkspaceCascade, slugsStartingWith, slugTaken, updateWorkspaceRow, workspaceViews } from '../store/workspaces-store';
import type { Membership, User, Workspace } from '../../shared/contract/identity';
import { by, type Actor, type AdminServer } from './context';
import { conflict, isUniqueViolation, notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity'>;
type CtxWithClients = Pick<AdminServer, 'db' | 'activity' | 'clientCache'>;

async function workspaceView(db: Db, id: string): Promise<Workspace | undefined> {
  return (await workspaceViews(db, { id }))[0];
}

/** A slug from a name: lowercase words joined by dashes. */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '');
  return slug.length >= 2 ? slug : `workspace-${slug || 'x'}`;
}

async function freeSlug(db: Db, base: string): Promise<string> {
  const taken = await slugsStartingWith(db, base);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export async function listWorkspaces(ctx: Ctx, input: ParsedInput<'workspaces.list'>): Promise<ProcedureOutput<'workspaces.list'>> {
  return { items: await workspaceViews(ctx.db, input.search ? { search: input.search } : {}) };
}

export async function createWorkspace(ctx: Ctx, input: ParsedInput<'workspaces.create'>, actor: Actor): Promise<ProcedureOutput<'workspaces.create'>> {
  if (input.slug && (await slugTaken(ctx.db, input.slug))) throw conflict('slug', `the slug "${input.slug}" is taken`);
  const slug = input.slug ?? (await freeSlug(ctx.db, slugify(input.name)));
  const id = newId('ws');
  try {
    await insertWorkspace(ctx.db, { id, name: input.name, slug });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('slug', `the slug "${slug}" is taken`);
    throw err;
  }
  ctx.activity.record({ type: 'workspace.created', workspaceId: id, detail: { ...by(actor), name: input.name, slug } });
  return (await workspaceView(ctx.db, id))!;
}

export async function updateWorkspace(ctx: Ctx, input: ParsedInput<'workspaces.update'>, actor: Actor): Promise<ProcedureOutput<'workspaces.update'>> {
  const current = await workspaceView(ctx.db, input.id);
  if (!current) throw notFound('id', 'workspace');
  if (input.slug && input.slug !== current.slug && (await slugTaken(ctx.db, input.slug))) throw conflict('slug', `the slug "${input.slug}" is taken`);
  try {
    await updateWorkspaceRow(ctx.db, input.id, { name: input.name ?? current.name, slug: input.slug ?? current.slug });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('slug', `the slug "${input.slug}" is taken`);
    throw err;
  }
  ctx.activity.record({ type: 'workspace.updated', workspaceId: input.id, detail: { ...by(actor), name: input.name, slug: input.slug } });
  return (await workspaceView(ctx.db, input.id))!;
}

export async function removeWorkspace(ctx: CtxWithClients, input: ParsedInput<'workspaces.remove'>, actor: Actor): Promise<ProcedureOutput<'workspaces.remove'>> {
  const current = await workspaceView(ctx.db, input.id);
  if (!current) throw notFound('id', 'workspace');
  const result = await removeWorkspaceCascade(ctx.db, input.id);
  ctx.clientCache.invalidate();
  ctx.activity.record({ type: 'workspace.removed', workspaceId: input.id, detail: { ...by(actor), name: current.name, ...result } });
  return { removed: true, ...result };
}

async function requireUser(db: Db, id: string, field = 'id'): Promise<User> {
  const [user] = await userViews(db, { ids: [id] });
  if (!user) throw notFound(field, 'user');
  return user;
}

export async function listUsers(ctx: Ctx, input: ParsedInput<'users.list'>): Promise<ProcedureOutput<'users.list'>> {
  return { items: await userViews(ctx.db, { ...(input.search ? { search: input.search } : {}), ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}) }) };
}

export async function createUser(ctx: Ctx, input: ParsedInput<'users.create'>, actor: Actor): Promise<ProcedureOutput<'users.create'>> {
  const id = newId('usr');
  try {
    await insertUser(ctx.db, id, {
      email: input.email,
      name: input.name,
      givenName: input.givenName ?? null,
      familyName: input.familyName ?? null,
      picture: input.picture ?? null,
      groups: input.groups,
      locale: input.locale ?? null,
      emailVerified: input.emailVerified,
      phoneNumber: input.phoneNumber ?? null,
      phoneNumberVerified: input.phoneNumberVerified,
      extraClaims: input.extraClaims,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('email', `a user with the email ${input.email} exists`);
    throw err;
  }
  ctx.activity.record({ type: 'user.created', accountId: id, detail: { ...by(actor), email: input.email } });
  return requireUser(ctx.db, id);
}

export async function updateUser(ctx: Ctx, input: ParsedInput<'users.update'>, actor: Actor): Promise<ProcedureOutput<'users.update'>> {
  const current = await requireUser(ctx.db, input.id);
  try {
    await updateUserRow(ctx.db, input.id, {
      email: input.email ?? current.email,
      name: input.name ?? current.name,
      givenName: input.givenName === undefined ? current.givenName : input.givenName,
      familyName: input.familyName === undefined ? current.familyName : input.familyName,
      picture: input.picture === undefined ? current.picture : input.picture,
      groups: input.groups ?? current.groups,
      locale: input.locale === undefined ? current.locale : input.locale,
      emailVerified: input.emailVerified ?? current.emailVerified,
      phoneNumber: input.phoneNumber === undefined ? current.phoneNumber : input.phoneNumber,
      phoneNumberVerified: input.phoneNumberVerified ?? current.phoneNumberVerified,
      extraClaims: input.extraClaims ?? current.extraClaims,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('email', `a user with the email ${input.email} exists`);
    throw err;
  }
  const changed = Object.keys(input).filter((k) => k !== 'id');
  ctx.activity.record({ type: 'user.updated', accountId: input.id, detail: { ...by(actor), changed } });
  return requireUser(ctx.db, input.id);
}

export async function removeUser(ctx: Ctx, input: ParsedInput<'users.remove'>, actor: Actor): Promise<ProcedureOutput<'users.remove'>> {
  const user = await requireUser(ctx.db, input.id);
  for (const m of user.memberships) {
    if (m.role === 'OWNER' && (await ownerCount(ctx.db, m.workspaceId)) <= 1) {
      throw conflict('id', `${user.email} is the only OWNER of ${m.workspaceName}; make someone else OWNER first`);
    }
  }
  const revokedTokens = await removeUserCascade(ctx.db, user.id);
  ctx.activity.record({ type: 'user.removed', accountId: user.id, detail: { ...by(actor), email: user.email, revokedTokens } });
  return { removed: true, revokedTokens };
}

async function requireMembership(db: Db, workspaceId: string, userId: string): Promise<Membership> {
  const [membership] = await membershipViews(db, { workspaceId, userId });
  if (!membership) throw notFound('userId', 'membership of this user in this workspace');
  return membership;
}

export async function listMemberships(ctx: Ctx, input: ParsedInput<'memberships.list'>): Promise<ProcedureOutput<'memberships.list'>> {
  return { items: await membershipViews(ctx.db, input) };
}

export async function createMembership(ctx: Ctx, input: ParsedInput<'memberships.create'>, actor: Actor): Promise<ProcedureOutput<'memberships.create'>> {
  if (!(await workspaceView(ctx.db, input.workspaceId))) throw notFound('workspaceId', 'workspace');
  await requireUser(ctx.db, input.userId, 'userId');
  try {
    await insertMembership(ctx.db, input.workspaceId, input.userId, input.role);
  } catch (err) {
    if (isConstraintViolation(err)) throw conflict('userId', 'the user is already a member of this workspace');
    throw err;
  }
  ctx.activity.record({ type: 'membership.created', accountId: input.userId, workspaceId: input.workspaceId, detail: { ...by(actor), role: input.role } });
  return requireMembership(ctx.db, input.workspaceId, input.userId);
}

export async function updateMembership(ctx: Ctx, input: ParsedInput<'memberships.update'>, actor: Actor): Promise<ProcedureOutput<'memberships.update'>> {
  const current = await requireMembership(ctx.db, input.workspaceId, input.userId);
  if (current.role === 'OWNER' && input.role !== 'OWNER' && (await ownerCount(ctx.db, input.workspaceId)) <= 1) {
    throw conflict('role', 'a workspace needs at least one OWNER; make someone else OWNER first');
  }
  await setMembershipRole(ctx.db, input.workspaceId, input.userId, input.role);
  ctx.activity.record({ type: 'membership.updated', accountId: input.userId, workspaceId: input.workspaceId, detail: { ...by(actor), from: current.role, to: input.role } });
  return requireMembership(ctx.db, input.workspaceId, input.userId);
}

export async function removeMembership(ctx: Ctx, input: ParsedInput<'memberships.remove'>, actor: Actor): Promise<ProcedureOutput<'memberships.remove'>> {
  const current = await requireMembership(ctx.db, input.workspaceId, input.userId);
  if (current.role === 'OWNER' && (await ownerCount(ctx.db, input.workspaceId)) <= 1) {
    throw conflict('userId', 'a workspace needs at least one OWNER; make someone else OWNER first');
  }
  await deleteMembership(ctx.db, input.workspaceId, input.userId);
  ctx.activity.record({ type: 'membership.removed', accountId: input.userId, workspaceId: input.workspaceId, detail: { ...by(actor), role: current.role } });
  return { removed: true };
}
