import { sha256Hex } from '../secrets/crypto';
import type { Db } from './database';

export interface GrantContext {
  workspaceId: string | null;
  actor: string | null;
}

/**
 * A grant's workspace and actor are written once, at consent (another
 * workspace or actor makes a new grant), so they can be remembered: every
 * token issued from the grant reads them. Bounded, per database handle.
 */
const MAX_REMEMBERED = 10_000;
const remembered = new WeakMap<Db, Map<string, GrantContext>>();

function memory(db: Db): Map<string, GrantContext> {
  let map = remembered.get(db);
  if (!map) remembered.set(db, (map = new Map()));
  return map;
}

function remember(db: Db, grantId: string, context: GrantContext): void {
  const map = memory(db);
  map.set(grantId, context);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string);
}

/** Records which workspace and actor mode a consent grant is for. */
export async function setGrantContext(db: Db, grantId: string, context: { workspaceId: string; actor: string }): Promise<void> {
  await db
    .updateTable('oidc_models')
    .set({ workspace_id: context.workspaceId, actor: context.actor })
    .where('kind', '=', 'Grant')
    .where('id', '=', sha256Hex(grantId))
    .execute();
  remember(db, grantId, { workspaceId: context.workspaceId, actor: context.actor });
}

export async function grantContext(db: Db, grantId: string): Promise<GrantContext | undefined> {
  const known = memory(db).get(grantId);
  if (known) return known;
  const row = await db
    .selectFrom('oidc_models')
    .select(['workspace_id', 'actor'])
    .where('kind', '=', 'Grant')
    .where('id', '=', sha256Hex(grantId))
    .executeTakeFirst();
  if (!row) return undefined;
  const context = { workspaceId: row.workspace_id, actor: row.actor };
  // Only a complete context is final; a grant saved a moment before its consent has none yet.
  if (context.workspaceId && context.actor) remember(db, grantId, context);
  return context;
}
