import { isDeepStrictEqual } from 'node:util';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { resourceScopeProblems, type ResourceServer } from '../../shared/contract/resources';
import { protectedResourceMetadata, protectedResourceMetadataUrl } from '../../shared/protected-resource-metadata';
import {
  deleteResourceServerRow,
  findResourceServer,
  findResourceServerByIdentifier,
  insertResourceServer,
  listResourceServers,
  updateResourceServerRow,
  type ResourceServerRecord,
} from '../store/resource-servers-store';
import { by, type Actor, type AdminServer } from './context';
import { conflict, invalid, notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity' | 'issuer'>;

/** The contract's view: the record plus its RFC 9728 document and where that document lives. */
export function toResourceServer(record: ResourceServerRecord, issuer: string): ResourceServer {
  return { ...record, metadata: protectedResourceMetadata(record, issuer), metadataUrl: protectedResourceMetadataUrl(record.identifier) };
}

async function requireResourceServer(ctx: Ctx, id: string): Promise<ResourceServerRecord> {
  const found = await findResourceServer(ctx.db, ctx.issuer, id);
  if (!found) throw notFound('id', 'resource server');
  return found;
}

/** Two resource servers never share an identifier: a `resource` value names one of them. */
async function refuseTakenIdentifier(ctx: Ctx, identifier: string, ownId?: string): Promise<void> {
  const holder = await findResourceServerByIdentifier(ctx.db, ctx.issuer, identifier);
  if (holder && holder.id !== ownId) throw conflict('identifier', `${holder.name} already has this identifier`);
}

export async function listResources(ctx: Ctx, input: ParsedInput<'resources.list'>): Promise<ProcedureOutput<'resources.list'>> {
  const records = await listResourceServers(ctx.db, ctx.issuer, input.search || undefined);
  return { items: records.map((record) => toResourceServer(record, ctx.issuer)) };
}

export async function getResource(ctx: Ctx, input: ParsedInput<'resources.get'>): Promise<ProcedureOutput<'resources.get'>> {
  return toResourceServer(await requireResourceServer(ctx, input.id), ctx.issuer);
}

export async function createResource(ctx: Ctx, input: ParsedInput<'resources.create'>, actor: Actor): Promise<ProcedureOutput<'resources.create'>> {
  await refuseTakenIdentifier(ctx, input.identifier);
  const record = await insertResourceServer(ctx.db, ctx.issuer, input);
  ctx.activity.record({
    type: 'resource.created',
    detail: { ...by(actor), id: record.id, identifier: record.identifier, name: record.name, tokenFormat: record.tokenFormat, scopes: [...record.scopes, ...record.customScopes.map((s) => s.name)] },
  });
  return toResourceServer(record, ctx.issuer);
}

export async function updateResource(ctx: Ctx, input: ParsedInput<'resources.update'>, actor: Actor): Promise<ProcedureOutput<'resources.update'>> {
  const current = await requireResourceServer(ctx, input.id);
  const { id, ...patch } = input;
  if (current.builtIn && patch.identifier !== undefined && patch.identifier !== current.identifier) {
    throw invalid([{ field: 'identifier', message: `${current.name} is built in: its identifier is the issuer's ${new URL(current.identifier).pathname} and follows the issuer` }]);
  }
  const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as ResourceServerRecord;
  const problems = resourceScopeProblems(next);
  if (problems.length) throw invalid(problems);
  if (next.identifier !== current.identifier) await refuseTakenIdentifier(ctx, next.identifier, id);
  const changed = Object.keys(patch).filter((key) => !isDeepStrictEqual((patch as Record<string, unknown>)[key], (current as unknown as Record<string, unknown>)[key]));
  await updateResourceServerRow(ctx.db, next);
  ctx.activity.record({ type: 'resource.updated', detail: { ...by(actor), id, identifier: next.identifier, changed } });
  return toResourceServer((await findResourceServer(ctx.db, ctx.issuer, id))!, ctx.issuer);
}

/**
 * Deletes a resource server: from then on its `resource` value gets
 * `invalid_target`. Tokens already issued for it keep their audience until
 * they expire or are revoked (revoke them on the Tokens screen). The
 * built-in ones back this server's own routes and stay.
 */
export async function deleteResource(ctx: Ctx, input: ParsedInput<'resources.delete'>, actor: Actor): Promise<ProcedureOutput<'resources.delete'>> {
  const current = await requireResourceServer(ctx, input.id);
  if (current.builtIn) throw conflict('id', `${current.name} is built in (it serves ${current.identifier}) and cannot be deleted`);
  await deleteResourceServerRow(ctx.db, current.id);
  ctx.activity.record({ type: 'resource.deleted', detail: { ...by(actor), id: current.id, identifier: current.identifier, name: current.name } });
  return { deleted: true };
}
