import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Db } from '../store/database';
import { revokeRows, statusCondition, TOKEN_KIND_MODELS } from '../store/tokens-store';
import { by, type Actor, type AdminServer } from './context';
import { decodeListCursor, encodeListCursor } from './cursor';
import { notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity'>;

const TOKEN_MODELS = Object.values(TOKEN_KIND_MODELS);

/** Scopes of a stored grant: its OpenID scopes and every resource's scopes. */
export function grantScopes(payload: string): string[] {
  try {
    const grant = JSON.parse(payload) as { openid?: { scope?: string }; resources?: Record<string, string> };
    const all = [grant.openid?.scope ?? '', ...Object.values(grant.resources ?? {})].join(' ').split(' ').filter(Boolean);
    return [...new Set(all)];
  } catch {
    return [];
  }
}

async function names(db: Db, table: 'apps' | 'workspaces', ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  return new Map((await db.selectFrom(table).select(['id', 'name']).where('id', 'in', ids).execute()).map((r) => [r.id, r.name]));
}

export async function listConnections(ctx: Ctx, input: ParsedInput<'connections.list'>): Promise<ProcedureOutput<'connections.list'>> {
  const now = Date.now();
  let query = ctx.db
    .selectFrom('oidc_models')
    .select(['id', 'payload', 'client_id', 'account_id', 'workspace_id', 'actor', 'created_at', 'expires_at', 'revoked_at'])
    .where('kind', '=', 'Grant');
  if (input.userId) query = query.where('account_id', '=', input.userId);
  if (input.appId) query = query.where('client_id', '=', input.appId);
  if (input.workspaceId) query = query.where('workspace_id', '=', input.workspaceId);
  if (input.status === 'active') query = query.where((eb) => statusCondition(eb, 'active', now));
  if (input.status === 'revoked') query = query.where('revoked_at', 'is not', null);
  if (input.cursor) {
    const after = decodeListCursor(input.cursor);
    query = query.where((eb) => eb.or([eb('created_at', '<', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '<', after.id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(input.limit + 1).execute();
  const page = rows.slice(0, input.limit);
  const ids = page.map((r) => r.id);
  const usage = ids.length
    ? await ctx.db
        .selectFrom('oidc_models')
        .select((eb) => [
          'grant_id',
          eb.fn.max(eb.fn.coalesce('last_used_at', 'created_at')).as('lastUsedAt'),
          eb.fn.sum<number>(eb.case().when(statusCondition(eb, 'active', now)).then(1).else(0).end()).as('active'),
        ])
        .where('grant_id', 'in', ids)
        .where('kind', 'in', TOKEN_MODELS)
        .groupBy('grant_id')
        .execute()
    : [];
  const apps = await names(ctx.db, 'apps', [...new Set(page.map((r) => r.client_id).filter((v): v is string => !!v))]);
  const workspaces = await names(ctx.db, 'workspaces', [...new Set(page.map((r) => r.workspace_id).filter((v): v is string => !!v))]);
  const userIds = [...new Set(page.map((r) => r.account_id).filter((v): v is string => !!v))];
  const users = new Map(userIds.length ? (await ctx.db.selectFrom('users').select(['id', 'email', 'name']).where('id', 'in', userIds).execute()).map((u) => [u.id, u]) : []);
  const last = page.at(-1);
  return {
    items: page.map((row) => {
      const use = usage.find((u) => u.grant_id === row.id);
      const user = row.account_id ? users.get(row.account_id) : undefined;
      return {
        id: row.id,
        appId: row.client_id,
        appName: row.client_id ? (apps.get(row.client_id) ?? null) : null,
        userId: row.account_id,
        userEmail: user?.email ?? null,
        userName: user?.name ?? null,
        workspaceId: row.workspace_id,
        workspaceName: row.workspace_id ? (workspaces.get(row.workspace_id) ?? null) : null,
        actor: row.actor,
        scopes: grantScopes(row.payload),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        lastUsedAt: use?.lastUsedAt == null ? null : Number(use.lastUsedAt),
        revokedAt: row.revoked_at,
        activeTokens: Number(use?.active ?? 0),
      };
    }),
    nextCursor: rows.length > input.limit && last ? encodeListCursor(last.created_at, last.id) : null,
  };
}

/** Revokes the grant and every token issued under it; each one fails on its next use. */
export async function revokeConnection(ctx: Ctx, input: ParsedInput<'connections.revoke'>, actor: Actor): Promise<ProcedureOutput<'connections.revoke'>> {
  const grant = await ctx.db.selectFrom('oidc_models').select(['id', 'client_id', 'account_id', 'workspace_id']).where('kind', '=', 'Grant').where('id', '=', input.id).executeTakeFirst();
  if (!grant) throw notFound('id', 'connection');
  const revokedTokens = await ctx.db.transaction().execute(async (trx) => {
    await revokeRows(trx, (eb) => eb.and([eb('kind', '=', 'Grant'), eb('id', '=', grant.id)]));
    return revokeRows(trx, (eb) => eb.and([eb('grant_id', '=', grant.id), eb('kind', 'in', TOKEN_MODELS)]));
  });
  ctx.activity.record({
    type: 'grant.revoked',
    clientId: grant.client_id,
    accountId: grant.account_id,
    workspaceId: grant.workspace_id,
    detail: { ...by(actor), grant: grant.id, revokedTokens },
  });
  return { revokedTokens };
}
