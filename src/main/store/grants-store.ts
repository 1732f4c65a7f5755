import { sha256Hex } from '../secrets/crypto';
import type { Db } from './database';

export interface GrantContext {
  workspaceId: string | null;
  actor: string | null;
}

/** Records which workspace and actor mode a consent grant is for. */
export async function setGrantContext(db: Db, grantId: string, context: { workspaceId: string; actor: string }): Promise<void> {
  await db
    .updateTable('oidc_models')
    .set({ workspace_id: context.workspaceId, actor: context.actor })
    .where('kind', '=', 'Grant')
    .where('id', '=', sha256Hex(grantId))
    .execute();
}

export async function grantContext(db: Db, grantId: string): Promise<GrantContext | undefined> {
  const row = await db
    .selectFrom('oidc_models')
    .select(['workspace_id', 'actor'])
    .where('kind', '=', 'Grant')
    .where('id', '=', sha256Hex(grantId))
    .executeTakeFirst();
  return row ? { workspaceId: row.workspace_id, actor: row.actor } : undefined;
}
