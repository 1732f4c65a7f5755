import type { Workspace } from '../../shared/contract/identity';
import type { Db } from './database';
import { getRawSetting } from './settings-store';
import { containsText } from './text-search';
import { APP_BOUND_MODELS, revokeRows } from './tokens-store';

/** Workspaces with their member and app counts, oldest first; one by id, or those matching `search`. */
export async function workspaceViews(db: Db, where: { id?: string; search?: string } = {}): Promise<Workspace[]> {
  let query = db.selectFrom('workspaces as w').select((eb) => [
    'w.id',
    'w.name',
    'w.slug',
    'w.created_at',
    eb.selectFrom('memberships as m').select((e) => e.fn.countAll<number>().as('c')).whereRef('m.workspace_id', '=', 'w.id').as('memberCount'),
    eb.selectFrom('apps as a').select((e) => e.fn.countAll<number>().as('c')).whereRef('a.workspace_id', '=', 'w.id').as('appCount'),
  ]);
  if (where.id !== undefined) query = query.where('w.id', '=', where.id);
  const search = where.search;
  if (search) query = query.where((eb) => containsText([eb.ref('w.name'), eb.ref('w.slug')], search));
  const rows = await query.orderBy('w.created_at').orderBy('w.id').execute();
  return rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug, createdAt: r.created_at, memberCount: Number(r.memberCount), appCount: Number(r.appCount) }));
}

export async function workspaceExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('workspaces').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** Workspace names by id, for labelling rows that carry only ids. */
export async function workspaceNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  return new Map((await db.selectFrom('workspaces').select(['id', 'name']).where('id', 'in', ids).execute()).map((r) => [r.id, r.name]));
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  return (await db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
}

/** The slugs starting with `base` (to pick a free one). */
export async function slugsStartingWith(db: Db, base: string): Promise<Set<string>> {
  return new Set((await db.selectFrom('workspaces').select('slug').where('slug', 'like', `${base}%`).execute()).map((r) => r.slug));
}

export async function insertWorkspace(db: Db, row: { id: string; name: string; slug: string }): Promise<void> {
  await db.insertInto('workspaces').values({ ...row, created_at: Date.now() }).execute();
}

export async function updateWorkspaceRow(db: Db, id: string, set: { name: string; slug: string }): Promise<void> {
  await db.updateTable('workspaces').set(set).where('id', '=', id).execute();
}

/**
 * Removes a workspace with its apps and memberships (foreign keys cascade),
 * first revoking every live token of its apps and of its users acting in it,
 * and forgetting it as the registration workspace.
 */
export async function removeWorkspaceCascade(db: Db, id: string): Promise<{ removedApps: number; revokedTokens: number }> {
  return db.transaction().execute(async (trx) => {
    const appIds = (await trx.selectFrom('apps').select('id').where('workspace_id', '=', id).execute()).map((a) => a.id);
    let revoked = await revokeRows(trx, (eb) => eb.and([eb('workspace_id', '=', id), eb('kind', 'in', APP_BOUND_MODELS)]));
    if (appIds.length) revoked += await revokeRows(trx, (eb) => eb.and([eb('client_id', 'in', appIds), eb('kind', 'in', APP_BOUND_MODELS)]));
    await trx.deleteFrom('workspaces').where('id', '=', id).execute();
    if ((await getRawSetting(trx, 'registration_workspace')) === id) await trx.deleteFrom('settings').where('key', '=', 'registration_workspace').execute();
    return { removedApps: appIds.length, revokedTokens: revoked };
  });
}
