import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { appNames } from '../store/apps-store';
import { findGrantRow, listGrantRows, revokeGrantFamily } from '../store/grants-store';
import { usersById } from '../store/users-store';
import { workspaceNames } from '../store/workspaces-store';
import { by, type Actor, type AdminServer } from './context';
import { decodeListCursor, encodeListCursor } from './cursor';
import { notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity'>;

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

const present = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => !!v))];

export async function listConnections(ctx: Ctx, input: ParsedInput<'connections.list'>): Promise<ProcedureOutput<'connections.list'>> {
  const { userId, appId, workspaceId, status } = input;
  const filters = Object.fromEntries(Object.entries({ userId, appId, workspaceId, status }).filter(([, v]) => v !== undefined));
  const after = input.cursor ? decodeListCursor(input.cursor) : undefined;
  const { rows, more } = await listGrantRows(ctx.db, filters, after, input.limit);
  const apps = await appNames(ctx.db, present(rows.map((r) => r.client_id)));
  const workspaces = await workspaceNames(ctx.db, present(rows.map((r) => r.workspace_id)));
  const users = await usersById(ctx.db, present(rows.map((r) => r.account_id)));
  const last = rows.at(-1);
  return {
    items: rows.map((row) => {
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
        minted: row.minted === 1,
        scopes: grantScopes(row.payload),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        lastUsedAt: row.lastUsedAt,
        revokedAt: row.revoked_at,
        activeTokens: row.activeTokens,
      };
    }),
    nextCursor: more && last ? encodeListCursor(last.created_at, last.id) : null,
  };
}

/** Revokes the grant and every token issued under it; each one fails on its next use. */
export async function revokeConnection(ctx: Ctx, input: ParsedInput<'connections.revoke'>, actor: Actor): Promise<ProcedureOutput<'connections.revoke'>> {
  const grant = await findGrantRow(ctx.db, input.id);
  if (!grant) throw notFound('id', 'connection');
  const revokedTokens = await revokeGrantFamily(ctx.db, grant.id);
  ctx.activity.record({
    type: 'grant.revoked',
    clientId: grant.client_id,
    accountId: grant.account_id,
    workspaceId: grant.workspace_id,
    detail: { ...by(actor), grant: grant.id, revokedTokens },
  });
  return { revokedTokens };
}
