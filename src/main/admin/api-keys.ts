import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { findApiKey, insertApiKey, listApiKeys as listKeys, revokeApiKey as revokeKey } from '../store/api-keys-store';
import { userExists } from '../store/users-store';
import { workspaceExists } from '../store/workspaces-store';
import { by, type Actor, type AdminServer } from './context';
import { notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity'>;

export async function listApiKeys(ctx: Ctx, input: ParsedInput<'apiKeys.list'>): Promise<ProcedureOutput<'apiKeys.list'>> {
  return { items: await listKeys(ctx.db, { includeRevoked: input.includeRevoked, ...(input.workspaceId ? { workspaceId: input.workspaceId } : {}) }) };
}

/** `knownKey`: a key value chosen by a configuration file (stored hashed like a generated one); else one is generated. */
export async function createApiKey(ctx: Ctx, input: ParsedInput<'apiKeys.create'>, actor: Actor, knownKey?: string): Promise<ProcedureOutput<'apiKeys.create'>> {
  if (!(await workspaceExists(ctx.db, input.workspaceId))) throw notFound('workspaceId', 'workspace');
  if (input.createdBy && !(await userExists(ctx.db, input.createdBy))) {
    throw notFound('createdBy', 'user');
  }
  const created = await insertApiKey(ctx.db, { workspaceId: input.workspaceId, name: input.name, createdBy: input.createdBy ?? null, ...(knownKey ? { key: knownKey } : {}) });
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
