import { sql } from 'kysely';
import type { Membership, User, Workspace } from '../../shared/contract/identity';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Db } from '../store/database';
import { newId } from '../store/identity-store';
import { getRawSetting } from '../store/settings-store';
import { revokeRows } from '../store/tokens-store';
import { APP_BOUND_MODELS } from './apps';
import { by, type Actor, type AdminServer } from './context';
import { containsPattern } from './cursor';
import { conflict, isUniqueViolation, notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity'>;
type CtxWithClients = Pick<AdminServer, 'db' | 'activity' | 'clientCache'>;

/** Account-bound models revoked when a user is removed. */
const USER_BOUND_MODELS = APP_BOUND_MODELS;

async function workspaceView(db: Db, id: string): Promise<Workspace | undefined> {
  const rows = await workspaceRows(db, (q) => q.where('w.id', '=', id));
  return rows[0];
}

function workspaceRows(db: Db, filter: (q: ReturnType<typeof baseWorkspaces>) => ReturnType<typeof baseWorkspaces>) {
  return filter(baseWorkspaces(db))
    .orderBy('w.created_at')
    .orderBy('w.id')
    .execute()
    .then((rows) => rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug, createdAt: r.created_at, memberCount: Number(r.memberCount), appCount: Number(r.appCount) })));
}

function baseWorkspaces(db: Db) {
  return db
    .selectFrom('workspaces as w')
    .select((eb) => [
      'w.id',
      'w.name',
      'w.slug',
      'w.created_at',
      eb.selectFrom('memberships as m').select((e) => e.fn.countAll<number>().as('c')).whereRef('m.workspace_id', '=', 'w.id').as('memberCount'),
      eb.selectFrom('apps as a').select((e) => e.fn.countAll<number>().as('c')).whereRef('a.workspace_id', '=', 'w.id').as('appCount'),
    ]);
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
  const taken = new Set((await db.selectFrom('workspaces').select('slug').where('slug', 'like', `${base}%`).execute()).map((r) => r.slug));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export async function listWorkspaces(ctx: Ctx, input: ParsedInput<'workspaces.list'>): Promise<ProcedureOutput<'workspaces.list'>> {
  const search = input.search;
  const items = await workspaceRows(ctx.db, (q) =>
    search ? q.where((eb) => sql<boolean>`(lower(${eb.ref('w.name')}) like ${containsPattern(search)} escape '\\' or ${eb.ref('w.slug')} like ${containsPattern(search)} escape '\\')`) : q,
  );
  return { items };
}

export async function createWorkspace(ctx: Ctx, input: ParsedInput<'workspaces.create'>, actor: Actor): Promise<ProcedureOutput<'workspaces.create'>> {
  if (input.slug && (await ctx.db.selectFrom('workspaces').select('id').where('slug', '=', input.slug).executeTakeFirst())) {
    throw conflict('slug', `the slug "${input.slug}" is taken`);
  }
  const slug = input.slug ?? (await freeSlug(ctx.db, slugify(input.name)));
  const id = newId('ws');
  try {
    await ctx.db.insertInto('workspaces').values({ id, name: input.name, slug, created_at: Date.now() }).execute();
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
  if (input.slug && input.slug !== current.slug && (await ctx.db.selectFrom('workspaces').select('id').where('slug', '=', input.slug).executeTakeFirst())) {
    throw conflict('slug', `the slug "${input.slug}" is taken`);
  }
  try {
    await ctx.db
      .updateTable('workspaces')
      .set({ name: input.name ?? current.name, slug: input.slug ?? current.slug })
      .where('id', '=', input.id)
      .execute();
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
  const result = await ctx.db.transaction().execute(async (trx) => {
    const appIds = (await trx.selectFrom('apps').select('id').where('workspace_id', '=', input.id).execute()).map((a) => a.id);
    let revoked = await revokeRows(trx, (eb) => eb.and([eb('workspace_id', '=', input.id), eb('kind', 'in', APP_BOUND_MODELS)]));
    if (appIds.length) revoked += await revokeRows(trx, (eb) => eb.and([eb('client_id', 'in', appIds), eb('kind', 'in', APP_BOUND_MODELS)]));
    await trx.deleteFrom('workspaces').where('id', '=', input.id).execute();
    if ((await getRawSetting(trx, 'registration_workspace')) === input.id) await trx.deleteFrom('settings').where('key', '=', 'registration_workspace').execute();
    return { removedApps: appIds.length, revokedTokens: revoked };
  });
  ctx.clientCache.invalidate();
  ctx.activity.record({ type: 'workspace.removed', workspaceId: input.id, detail: { ...by(actor), name: current.name, ...result } });
  return { removed: true, ...result };
}

async function userViews(db: Db, where?: { ids?: string[]; search?: string; workspaceId?: string }): Promise<User[]> {
  let query = db.selectFrom('users').selectAll();
  if (where?.ids) query = query.where('id', 'in', where.ids.length ? where.ids : ['']);
  if (where?.search) {
    const pattern = containsPattern(where.search);
    query = query.where((eb) => sql<boolean>`(lower(${eb.ref('name')}) like ${pattern} escape '\\' or ${eb.ref('email')} like ${pattern} escape '\\')`);
  }
  if (where?.workspaceId) {
    const ws = where.workspaceId;
    query = query.where((eb) => eb.exists(eb.selectFrom('memberships').select('user_id').whereRef('memberships.user_id', '=', 'users.id').where('memberships.workspace_id', '=', ws)));
  }
  const users = await query.orderBy('created_at').orderBy('email').execute();
  if (!users.length) return [];
  const memberships = await db
    .selectFrom('memberships')
    .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
    .select(['memberships.user_id', 'memberships.workspace_id', 'workspaces.name', 'memberships.role'])
    .where('memberships.user_id', 'in', users.map((u) => u.id))
    .orderBy('memberships.created_at')
    .execute();
  return users.map((u) => ({
    id: u.id,
    email: u.email,
    name: u.name,
    givenName: u.given_name,
    familyName: u.family_name,
    picture: u.picture,
    groups: JSON.parse(u.groups) as string[],
    createdAt: u.created_at,
    memberships: memberships.filter((m) => m.user_id === u.id).map((m) => ({ workspaceId: m.workspace_id, workspaceName: m.name, role: m.role })),
  }));
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
    await ctx.db
      .insertInto('users')
      .values({
        id,
        email: input.email,
        name: input.name,
        given_name: input.givenName ?? null,
        family_name: input.familyName ?? null,
        picture: input.picture ?? null,
        groups: JSON.stringify(input.groups),
        created_at: Date.now(),
      })
      .execute();
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
    await ctx.db
      .updateTable('users')
      .set({
        email: input.email ?? current.email,
        name: input.name ?? current.name,
        given_name: input.givenName === undefined ? current.givenName : input.givenName,
        family_name: input.familyName === undefined ? current.familyName : input.familyName,
        picture: input.picture === undefined ? current.picture : input.picture,
        groups: JSON.stringify(input.groups ?? current.groups),
      })
      .where('id', '=', input.id)
      .execute();
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
  const revokedTokens = await ctx.db.transaction().execute(async (trx) => {
    const revoked = await revokeRows(trx, (eb) => eb.and([eb('account_id', '=', user.id), eb('kind', 'in', USER_BOUND_MODELS)]));
    await trx.deleteFrom('oidc_models').where('kind', '=', 'Session').where('account_id', '=', user.id).execute();
    await trx.deleteFrom('users').where('id', '=', user.id).execute();
    return revoked;
  });
  ctx.activity.record({ type: 'user.removed', accountId: user.id, detail: { ...by(actor), email: user.email, revokedTokens } });
  return { removed: true, revokedTokens };
}

async function ownerCount(db: Db, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<number>().as('c'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'OWNER')
    .executeTakeFirstOrThrow();
  return Number(row.c);
}

async function membershipViews(db: Db, where: { workspaceId?: string; userId?: string }): Promise<Membership[]> {
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
    await ctx.db.insertInto('memberships').values({ workspace_id: input.workspaceId, user_id: input.userId, role: input.role, created_at: Date.now() }).execute();
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT') throw conflict('userId', 'the user is already a member of this workspace');
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
  await ctx.db.updateTable('memberships').set({ role: input.role }).where('workspace_id', '=', input.workspaceId).where('user_id', '=', input.userId).execute();
  ctx.activity.record({ type: 'membership.updated', accountId: input.userId, workspaceId: input.workspaceId, detail: { ...by(actor), from: current.role, to: input.role } });
  return requireMembership(ctx.db, input.workspaceId, input.userId);
}

export async function removeMembership(ctx: Ctx, input: ParsedInput<'memberships.remove'>, actor: Actor): Promise<ProcedureOutput<'memberships.remove'>> {
  const current = await requireMembership(ctx.db, input.workspaceId, input.userId);
  if (current.role === 'OWNER' && (await ownerCount(ctx.db, input.workspaceId)) <= 1) {
    throw conflict('userId', 'a workspace needs at least one OWNER; make someone else OWNER first');
  }
  await ctx.db.deleteFrom('memberships').where('workspace_id', '=', input.workspaceId).where('user_id', '=', input.userId).execute();
  ctx.activity.record({ type: 'membership.removed', accountId: input.userId, workspaceId: input.workspaceId, detail: { ...by(actor), role: current.role } });
  return { removed: true };
}
