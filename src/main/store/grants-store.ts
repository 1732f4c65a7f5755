import { CompiledQuery } from 'kysely';
import { sha256Hex } from '../secrets/crypto';
import { cachesOf } from './caches';
import { dialectOf, positionalPlaceholders } from './dialect';
import type { Db } from './database';
import { olderThan, type KeysetPosition } from './keyset';
import { revokeRows, statusCondition, TOKEN_KIND_MODELS } from './tokens-store';

export interface GrantContext {
  workspaceId: string | null;
  actor: string | null;
}

/**
 * A grant's workspace and actor are written once, at consent (another
 * workspace or actor makes a new grant), so they are remembered (the
 * `grant` cache, caches.ts): every token issued from the grant reads them.
 */
const SET_CONTEXT_SQL = `update "oidc_models" set "workspace_id" = ?, "actor" = ?, "minted" = case when ? = 1 then 1 else "minted" end where "kind" = 'Grant' and "id" = ?`;

/**
 * Records which workspace and actor mode a consent grant is for, and whether
 * "Mint a token" made it. Written out: it changes a grant row only, which no
 * cache but the grant's own holds, so the cache invalidation plugin has
 * nothing to forget.
 */
export async function setGrantContext(db: Db, grantId: string, context: { workspaceId: string; actor: string; minted?: boolean }): Promise<void> {
  const text = dialectOf(db) === 'postgres' ? positionalPlaceholders(SET_CONTEXT_SQL) : SET_CONTEXT_SQL;
  await db.executeQuery(CompiledQuery.raw(text, [context.workspaceId, context.actor, context.minted ? 1 : 0, sha256Hex(grantId)]));
  const caches = cachesOf(db);
  const known = { workspaceId: context.workspaceId, actor: context.actor };
  caches.afterCommit(() => caches.grants.put(grantId, known));
}

export async function grantContext(db: Db, grantId: string): Promise<GrantContext | undefined> {
  const caches = cachesOf(db);
  const known = caches.grants.get(grantId);
  if (known) return known.value as GrantContext;
  const ticket = caches.grants.ticket();
  const row = await db
    .selectFrom('oidc_models')
    .select(['workspace_id', 'actor'])
    .where('kind', '=', 'Grant')
    .where('id', '=', sha256Hex(grantId))
    .executeTakeFirst();
  if (!row) return undefined;
  const context = { workspaceId: row.workspace_id, actor: row.actor };
  // Only a complete context is final; a grant saved a moment before its consent has none yet. A
  // complete one never changes, so even a read inside a unit of work may be remembered: were the
  // unit to roll back, no token could name that (random) grant id.
  if (context.workspaceId && context.actor) caches.grants.set(grantId, context, ticket);
  return context;
}

/** One stored grant (a connection), as the console lists it. */
export interface GrantRow {
  id: string;
  payload: string;
  client_id: string | null;
  account_id: string | null;
  workspace_id: string | null;
  actor: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  minted: number;
}

export interface GrantFilters {
  userId?: string;
  appId?: string;
  workspaceId?: string;
  status?: 'active' | 'revoked';
}

/** Grants newest first with keyset paging; with each, its tokens' last use and how many are live. */
export async function listGrantRows(
  db: Db,
  filters: GrantFilters,
  after: KeysetPosition | undefined,
  limit: number,
  now = Date.now(),
): Promise<{ rows: Array<GrantRow & { lastUsedAt: number | null; activeTokens: number }>; more: boolean }> {
  let query = db
    .selectFrom('oidc_models')
    .select(['id', 'payload', 'client_id', 'account_id', 'workspace_id', 'actor', 'created_at', 'expires_at', 'revoked_at', 'minted'])
    .where('kind', '=', 'Grant');
  if (filters.userId) query = query.where('account_id', '=', filters.userId);
  if (filters.appId) query = query.where('client_id', '=', filters.appId);
  if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
  if (filters.status === 'active') query = query.where((eb) => statusCondition(eb, 'active', now));
  if (filters.status === 'revoked') query = query.where('revoked_at', 'is not', null);
  if (after) query = query.where(olderThan(after));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const ids = page.map((r) => r.id);
  const usage = ids.length
    ? await db
        .selectFrom('oidc_models')
        .select((eb) => [
          'grant_id',
          eb.fn.max(eb.fn.coalesce('last_used_at', 'created_at')).as('lastUsedAt'),
          eb.fn.sum<number>(eb.case().when(statusCondition(eb, 'active', now)).then(1).else(0).end()).as('active'),
        ])
        .where('grant_id', 'in', ids)
        .where('kind', 'in', Object.values(TOKEN_KIND_MODELS))
        .groupBy('grant_id')
        .execute()
    : [];
  return {
    rows: page.map((row) => {
      const use = usage.find((u) => u.grant_id === row.id);
      return { ...row, lastUsedAt: use?.lastUsedAt == null ? null : Number(use.lastUsedAt), activeTokens: Number(use?.active ?? 0) };
    }),
    more: rows.length > limit,
  };
}

export async function findGrantRow(db: Db, id: string): Promise<Pick<GrantRow, 'id' | 'client_id' | 'account_id' | 'workspace_id'> | undefined> {
  return db.selectFrom('oidc_models').select(['id', 'client_id', 'account_id', 'workspace_id']).where('kind', '=', 'Grant').where('id', '=', id).executeTakeFirst();
}

/** Revokes a grant and every live token issued under it; returns how many tokens were live. */
export async function revokeGrantFamily(db: Db, id: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await revokeRows(trx, (eb) => eb.and([eb('kind', '=', 'Grant'), eb('id', '=', id)]));
    return revokeRows(trx, (eb) => eb.and([eb('grant_id', '=', id), eb('kind', 'in', Object.values(TOKEN_KIND_MODELS))]));
  });
}
