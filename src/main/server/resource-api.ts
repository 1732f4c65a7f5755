import { randomBytes } from 'node:crypto';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { fieldErrorsFrom } from '../../shared/contract/errors';
import { FULL_ACCESS_SCOPE, findScope } from '../../shared/scopes';
import type { Role } from '../store/schema';
import { findApp } from '../store/apps-store';
import { findUser, findWorkspace, workspaceMembers } from '../store/identity-store';
import { invalid, notFound } from '../admin/errors';
import { BearerError } from '../http/errors';
import { authenticateAccessToken, bearerValue, type BearerPrincipal } from './bearer';
import { resourceOf, SAMPLE_API_RESOURCE_PATH } from './built-in-resources';
import { checkFullAccess } from './checks/check-full-access';
import { checkRole } from './checks/check-role';
import { checkScope } from './checks/check-scope';
import { checkWorkspace } from './checks/check-workspace';
import { insufficientScope } from './checks/refusal';
import { insertComment } from '../store/comments-store';
import type { RouteContext } from './route-context';

export type ResourceApiDeps = Pick<RouteContext, 'provider' | 'db' | 'activity' | 'issuer'>;

const commentBody = z.object({ body: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters') });

/**
 * The sample protected API: endpoints an integration can call with its
 * tokens, guarded by catalog scopes and, for `self` actors, the user's role.
 */
export function createResourceApi(deps: ResourceApiDeps): Router {
  const { provider, db, activity } = deps;
  const router = new Router({ prefix: SAMPLE_API_RESOURCE_PATH });
  // Tokens for another resource (the MCP server's, yours) are refused; tokens asked without `resource` still work, as before resource servers existed.
  const audience = { resource: resourceOf(deps.issuer, SAMPLE_API_RESOURCE_PATH), acceptUnbound: true };

  /**
   * Authenticates, then the named checks: the scope (or `admin:all`), the
   * workspace the path names, `admin:all`'s granter, and, acting as the
   * user, the user's role for the scope.
   */
  const guard = async (ctx: Context, scope: string, workspaceId?: string): Promise<BearerPrincipal & { role?: Role }> => {
    const principal = await authenticateAccessToken(provider, db, bearerValue(ctx), audience, ctx);
    const refuse = insufficientScope(scope);
    const via = checkScope(principal, [scope]);
    if (workspaceId !== undefined) checkWorkspace(principal, refuse, workspaceId);
    if (via === FULL_ACCESS_SCOPE) await checkFullAccess(db, principal, refuse);
    if (principal.actor === 'self' && principal.accountId && principal.workspaceId) {
      const needed = findScope(via)?.minRole ?? 'MEMBER';
      return { ...principal, role: await checkRole(db, principal.workspaceId, principal.accountId, needed, `use "${via}" acting as themselves`, refuse) };
    }
    return principal;
  };

  router.get('/me', async (ctx) => {
    const p = await guard(ctx, 'read:user');
    const workspace = p.workspaceId ? await findWorkspace(db, p.workspaceId) : undefined;
    if (p.actor === 'app' || !p.accountId) {
      const app = await findApp(db, p.clientId);
      ctx.body = { type: 'app', id: `bot:${p.clientId}`, name: `${app?.name ?? p.clientId} (bot)`, app: { id: p.clientId, name: app?.name }, workspace };
      return;
    }
    const user = await findUser(db, p.accountId);
    if (!user) throw new BearerError(401, 'invalid_token', 'The user of this token no longer exists');
    ctx.body = { type: 'user', id: user.id, email: user.email, name: user.name, groups: user.groups, workspace: workspace ? { ...workspace, role: p.role } : null };
  });

  router.get('/workspaces/:id', async (ctx) => {
    await guard(ctx, 'read:organization', ctx.params.id);
    const workspace = await findWorkspace(db, ctx.params.id!);
    if (!workspace) throw notFound('id', 'workspace');
    const members = await workspaceMembers(db, workspace.id);
    ctx.body = { ...workspace, memberCount: members.length };
  });

  router.get('/workspaces/:id/members', async (ctx) => {
    await guard(ctx, 'read:members', ctx.params.id);
    const members = await workspaceMembers(db, ctx.params.id!);
    ctx.body = { data: members.map((m) => ({ id: m.id, email: m.email, name: m.name, role: m.role, joinedAt: new Date(m.created_at).toISOString() })) };
  });

  router.post('/workspaces/:id/comments', async (ctx) => {
    const p = await guard(ctx, 'write:organization', ctx.params.id);
    const parsed = commentBody.safeParse((ctx.request as { body?: unknown }).body ?? {});
    if (!parsed.success) throw invalid(fieldErrorsFrom(parsed.error).map((f) => ({ ...f, field: f.field || 'body' })));
    const comment = {
      id: `cmt_${randomBytes(9).toString('base64url')}`,
      workspace_id: ctx.params.id!,
      author_id: p.actor === 'app' || !p.accountId ? `bot:${p.clientId}` : p.accountId,
      app_id: p.clientId,
      body: parsed.data.body,
      created_at: Date.now(),
    };
    await insertComment(db, comment);
    activity.record({ type: 'api.comment_created', clientId: p.clientId, accountId: p.accountId, workspaceId: comment.workspace_id, detail: { commentId: comment.id, actor: p.actor } });
    ctx.status = 201;
    ctx.body = { id: comment.id, workspaceId: comment.workspace_id, authorId: comment.author_id, appId: comment.app_id, body: comment.body, createdAt: new Date(comment.created_at).toISOString() };
  });

  return router;
}
