import { Router } from '@koa/router';
import type { Context } from 'koa';
import { fieldErrorsFrom } from '../../shared/contract/errors';
import { invalid } from '../admin/errors';
import { authenticateAccessToken, bearerValue } from './bearer';
import { authorizeScope, type AuthorizedCaller } from './resource-guard';
import { resourceOf, SAMPLE_API_RESOURCE_PATH } from './built-in-resources';
import type { RouteContext } from './route-context';
import { commentInputSchema, createComment, memberList, whoAmI, workspaceSummary } from './sample-resources';

export type ResourceApiDeps = Pick<RouteContext, 'provider' | 'db' | 'activity' | 'issuer'>;

/**
 * The sample protected API: endpoints an integration can call with its
 * tokens, guarded by catalog scopes and, for `self` actors, the user's role.
 * The sample MCP server (`/mcp`) serves the same resources as tools.
 */
export function createResourceApi(deps: ResourceApiDeps): Router {
  const { provider, db } = deps;
  const router = new Router({ prefix: SAMPLE_API_RESOURCE_PATH });
  // Tokens for another resource (the MCP server's, yours) are refused; tokens asked without `resource` still work, as before resource servers existed.
  const audience = { resource: resourceOf(deps.issuer, SAMPLE_API_RESOURCE_PATH), acceptUnbound: true };

  /** Authenticates, then the named checks for `scope` (and the workspace the path names). */
  const guard = async (ctx: Context, scope: string, workspaceId?: string): Promise<AuthorizedCaller> =>
    authorizeScope(db, await authenticateAccessToken(provider, db, bearerValue(ctx), audience, ctx), scope, workspaceId === undefined ? undefined : { expected: workspaceId });

  router.get('/me', async (ctx) => {
    ctx.body = await whoAmI(db, await guard(ctx, 'read:user'));
  });

  router.get('/workspaces/:id', async (ctx) => {
    await guard(ctx, 'read:organization', ctx.params.id);
    ctx.body = await workspaceSummary(db, ctx.params.id!);
  });

  router.get('/workspaces/:id/members', async (ctx) => {
    await guard(ctx, 'read:members', ctx.params.id);
    ctx.body = await memberList(db, ctx.params.id!);
  });

  router.post('/workspaces/:id/comments', async (ctx) => {
    const caller = await guard(ctx, 'write:organization', ctx.params.id);
    const parsed = commentInputSchema.safeParse((ctx.request as { body?: unknown }).body ?? {});
    if (!parsed.success) throw invalid(fieldErrorsFrom(parsed.error).map((f) => ({ ...f, field: f.field || 'body' })));
    ctx.status = 201;
    ctx.body = await createComment(deps, caller, ctx.params.id!, parsed.data);
  });

  return router;
}
