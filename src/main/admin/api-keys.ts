import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { findApiKey, insertApiKey, listApiKeys as listKeys, revokeApiKey as revokeKey } from '../store/api-keys-store';
import { by, type Actor, type AdminServer } from './context';
import { notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity'>;

export async function listApiKeys(ctx: Ctx, input: ParsedInput<'apiKeys.list'>): Promise<ProcedureOutput<'apiKeys.list'>> {
  return { items: await listKeys(ctx.db, { includeRevoked: input.includeRevoked, ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}) }) };
}

export async function createApiKey(ctx: Ctx, input: ParsedInput<'apiKeys.create'>, actor: Actor): Promise<ProcedureOutput<'apiKeys.create'>> {
  const workspace = await ctx.db.selectFrom('workspaces').select('id').where('id', '=', input.workspaceId).executeTakeFirst();
  if (!workspace) throw notFound('workspaceId', 'workspace');
  if (input.createdBy && !(await ctx.db.selectFrom('users').select('id').where('id', '=', input.createdBy).executeTakeFirst())) {
    throw notFound('createdBy', 'user');
  }
  const created = await insertApiKey(ctx.db, { workspaceId: input.workspaceId, name: input.name, createdBy: input.createdBy ?? null });
  ctx.activity.record({ type: 'api_key.created', workspaceId: input.workspaceId, detail: { ...by(actor), id: created.apiKey.id, name: input.name } });
  return created;
}

export async function revokeApiKey(ctx: Ctx, input: ParsedInput<'apiKeys.revoke'>, actor: Actor): Promise<ProcedureOutput<'apiKeys.revoke'>> {
  const existing = await findApiKey(ctx.db, input.id);
  if (!existing) throw notFound('id', 'API key');
  const revoked = (await revokeKey(ctx.db, input.id))!;
  if (existing.revokedAt === null) ctx.activity.record({ type: 'api_key.revoked', workspaceId: existing.workspaceId, detail: { ...by(actor), id: existing.id, name: existing.name } });
  return revoked;
}
