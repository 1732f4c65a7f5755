import { randomBytes } from 'node:crypto';
import { Router } from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { FULL_ACCESS_SCOPE, findScope, roleReaches, satisfyingScope } from '../../shared/scopes';
import type { Role } from '../store/schema';
import { findApp } from '../store/apps-store';
import { findUser, findWorkspace, membershipRole, workspaceMembers } from '../store/identity-store';
import { BearerError, authenticateAccessToken, bearerValue, sendBearerError, type BearerPrincipal } from './bearer';
import { insertComment } from '../store/comments-store';
import type { RouteContext } from './route-context';

export type ResourceApiDeps = Pick<RouteContext, 'provider' | 'db' | 'activity'>;

const commentBody = z.object({ body: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters') });

/**
 * The sample protected API: endpoints an integration can call with its
 * tokens, guarded by catalog scopes and, for `self` actors, the user's role.
 */
export function createResourceApi(deps: ResourceApiDeps): Router {
  const { provider, db, activity } = deps;
  const router = new Router({ prefix: '/api/v1' });

  /**
   * Authenticates, then checks the scope (or `admin:all`) and the role it
   * needs: acting as the user, the user's; with `admin:all`, also for a bot,
   * the OWNER who granted it must still be an OWNER.
   */
  const guard = async (ctx: Context, scope: string, workspaceId?: string): Promise<BearerPrincipal & { role?: Role }> => {
    const principal = await authenticateAccessToken(provider, db, bearerValue(ctx));
    const via = satisfyingScope(principal.scopes, scope);
    if (!via) throw new BearerError(403, 'insufficient_scope', `This call needs the "${scope}" scope`, scope);
    if (workspaceId !== undefined && principal.workspaceId !== workspaceId) {
      throw new BearerError(403, 'insufficient_scope', 'The token was not issued for this workspace', scope);
    }
    const fullAccess = via === FULL_ACCESS_SCOPE;
    if (fullAccess && (!principal.accountId || !principal.workspaceId)) {
      throw new BearerError(403, 'insufficient_scope', `"${FULL_ACCESS_SCOPE}" counts only on a token an OWNER of its workspace granted`, scope);
    }
    if ((principal.actor === 'self' || fullAccess) && principal.accountId && principal.workspaceId) {
      const role = await membershipRole(db, principal.workspaceId, principal.accountId);
      if (!role) throw new BearerError(403, 'insufficient_scope', 'The user is no longer a member of this workspace', scope);
      const needed = findScope(via)?.minRole ?? 'MEMBER';
      if (!roleReaches(role, needed)) {
        const who = principal.actor === 'self' ? 'Acting as the user' : `"${FULL_ACCESS_SCOPE}" on a bot token`;
        throw new BearerError(403, 'insufficient_scope', `${who} needs the ${needed} role; the user is ${role}`, scope);
      }
      return { ...principal, role };
    }
    return principal;
  };

  router.use(async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      if (!(err instanceof BearerError)) throw err;
      activity.record({ type: 'api.rejected', level: 'warn', detail: { path: ctx.path, method: ctx.method, status: err.status, error: err.code, description: err.message } });
      sendBearerError(ctx, err);
    }
  });

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
    if (!workspace) return ctx.throw(404, 'No such workspace');
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
    if (!parsed.success) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_request', fields: parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message })) };
      return;
    }
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
