import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { z } from 'zod';
import { AdminError, fieldErrorsFrom, type FieldError } from '../../shared/contract/errors';
import { PREFIX } from '../../shared/prefixes';
import { FULL_ACCESS_SCOPE, roleReaches, satisfyingScope } from '../../shared/scopes';
import { createApp, deleteApp, getApp, listApps, rotateAppSecret, updateApp } from '../admin/apps';
import type { Actor } from '../admin/context';
import { authenticateApiKey } from '../store/api-keys-store';
import { membershipRole } from '../store/identity-store';
import { BearerError, authenticateAccessToken, bearerValue, sendBearerError } from './bearer';
import { createApplicationBody, toApplication, updateApplicationBody } from './management-schemas';
import { openApiDocument } from './openapi';
import type { RouteContext } from './route-context';

export type ManagementApiDeps = Pick<RouteContext, 'provider' | 'db' | 'settings' | 'activity' | 'clientCache' | 'issuer'>;

/** The scope an OAuth access token needs to manage apps (seed 000/001). */
export const MANAGE_SCOPE = 'admin:organization';
/** Either scope lets a token read the workspace's apps. */
const READ_SCOPES = [MANAGE_SCOPE, 'read:organization'];

/** Authenticated, but not allowed (a member, a bot). */
class ForbiddenError extends Error {}

/** A 400 with field errors, as the contract's invalid_input. */
class BadRequest extends Error {
  constructor(readonly fields: FieldError[]) {
    super(fields.map((f) => (f.field ? `${f.field}: ${f.message}` : f.message)).join('; '));
  }
}

interface Caller {
  workspaceId: string;
  actor: Actor;
}

function parse<S extends z.ZodType>(schema: S, ctx: Context): z.output<S> {
  if (!ctx.is('application/json')) throw new BadRequest([{ field: '', message: 'send a JSON body (Content-Type: application/json)' }]);
  const parsed = schema.safeParse((ctx.request as { body?: unknown }).body ?? {});
  if (!parsed.success) throw new BadRequest(fieldErrorsFrom(parsed.error));
  return parsed.data;
}

/**
 * The management REST API for apps (seeds 000 and 001), authenticated by
 * `Authorization: Bearer` with a workspace API key (`oc_key_…`, looked up
 * by hash; it acts as an admin of its workspace) or an OAuth access token
 * carrying `admin:organization` for a user who is OWNER or ADMIN of the
 * token's workspace. Reads also accept `read:organization`, still from an
 * OWNER or ADMIN (a MEMBER sees no apps), or from the app's own bot token,
 * which reads and never writes; `admin:all` stands for either while its
 * granter is an OWNER. Everything happens in the caller's workspace; other
 * workspaces' apps are 404.
 */
export function createManagementApi(deps: ManagementApiDeps): Router {
  const { provider, db, activity } = deps;
  const router = new Router({ prefix: '/api/v1' });

  const authenticate = async (ctx: Context, need: 'read' | 'write'): Promise<Caller> => {
    const value = bearerValue(ctx);
    if (value.startsWith(PREFIX.apiKey)) {
      const key = await authenticateApiKey(db, value);
      if (!key) throw new BearerError(401, 'invalid_token', 'The API key is invalid or revoked');
      return { workspaceId: key.workspaceId, actor: { via: 'api', principal: `api_key:${key.id}` } };
    }
    const principal = await authenticateAccessToken(provider, db, value);
    const scopes = need === 'write' ? [MANAGE_SCOPE] : READ_SCOPES;
    const via = scopes.map((s) => satisfyingScope(principal.scopes, s)).find((s) => s !== undefined);
    if (!via) throw new BearerError(403, 'insufficient_scope', `This call needs the "${MANAGE_SCOPE}" scope`, MANAGE_SCOPE);
    if (!principal.workspaceId) throw new ForbiddenError('The token is not bound to a workspace');
    if (via === FULL_ACCESS_SCOPE) {
      const granter = principal.accountId ? await membershipRole(db, principal.workspaceId, principal.accountId) : undefined;
      if (granter !== 'OWNER') throw new ForbiddenError(`"${FULL_ACCESS_SCOPE}" counts only while the OWNER who granted it is still an OWNER of the workspace`);
    }
    const actor: Actor = { via: 'api', principal: principal.accountId && principal.actor === 'self' ? principal.accountId : `bot:${principal.clientId}` };
    if (principal.actor === 'app' || !principal.accountId) {
      if (need === 'write') throw new ForbiddenError('Only OWNER and ADMIN members can create or change OAuth applications; an app token acts as a bot, not a member');
      return { workspaceId: principal.workspaceId, actor };
    }
    const role = await membershipRole(db, principal.workspaceId, principal.accountId);
    if (!role) throw new ForbiddenError('The user is not a member of the workspace of this token');
    // Seed 001: only OWNERS and ADMINS manage apps. An app's settings (redirect URIs, grants, the secret's
    // last characters) are management data, so a MEMBER's token neither changes nor reads them.
    if (!roleReaches(role, 'ADMIN')) {
      throw new ForbiddenError(`Only OWNER and ADMIN members can ${need === 'write' ? 'create or change' : 'see'} OAuth applications; this user is ${role}`);
    }
    return { workspaceId: principal.workspaceId, actor };
  };

  const appInWorkspace = async (caller: Caller, id: string) => {
    const app = await getApp(deps, { id }).catch((err: unknown) => {
      if (err instanceof AdminError && err.code === 'not_found') return undefined;
      throw err;
    });
    if (!app || app.workspaceId !== caller.workspaceId) throw new AdminError({ code: 'not_found', message: 'No OAuth application with this id in your workspace' });
    return app;
  };

  router.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/api/v1/oauth/applications')) return next();
    try {
      await next();
    } catch (err) {
      const reject = (status: number, error: string, description: string) =>
        activity.record({ type: 'api.rejected', level: 'warn', detail: { path: ctx.path, method: ctx.method, status, error, description } });
      if (err instanceof BearerError) {
        reject(err.status, err.code ?? 'unauthorized', err.message);
        return sendBearerError(ctx, err);
      }
      if (err instanceof ForbiddenError) {
        reject(403, 'forbidden', err.message);
        ctx.status = 403;
        ctx.body = { error: 'forbidden', error_description: err.message };
        return;
      }
      if (err instanceof BadRequest || (err instanceof AdminError && err.code === 'invalid_input')) {
        const fields = err instanceof BadRequest ? err.fields : err.fields;
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: err.message, fields };
        return;
      }
      if (err instanceof AdminError && (err.code === 'not_found' || err.code === 'conflict')) {
        ctx.status = err.code === 'not_found' ? 404 : 409;
        ctx.body = { error: err.code, error_description: err.message, ...(err.fields.length ? { fields: err.fields } : {}) };
        return;
      }
      throw err;
    }
  });

  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument(deps.issuer);
  });

  router.post('/oauth/applications', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    const { redirectUri, ...body } = parse(createApplicationBody, ctx);
    const created = await createApp(
      deps,
      { ...body, workspaceId: caller.workspaceId, redirectUris: redirectUri !== undefined ? [redirectUri] : body.redirectUris },
      { origin: 'api', actor: caller.actor },
    );
    ctx.status = 201;
    ctx.set('Location', `/api/v1/oauth/applications/${encodeURIComponent(created.app.id)}`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...toApplication(created.app), clientSecret: created.clientSecret };
  });

  router.get('/oauth/applications', async (ctx) => {
    const caller = await authenticate(ctx, 'read');
    const limit = Number(ctx.query.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new BadRequest([{ field: 'limit', message: 'must be an integer from 1 to 200' }]);
    const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
    const page = await listApps(deps, { workspaceId: caller.workspaceId, limit, ...(cursor ? { cursor } : {}) });
    ctx.body = { data: page.items.map(toApplication), nextCursor: page.nextCursor };
  });

  router.get('/oauth/applications/:id', async (ctx) => {
    const caller = await authenticate(ctx, 'read');
    ctx.body = toApplication(await appInWorkspace(caller, ctx.params.id!));
  });

  router.patch('/oauth/applications/:id', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    const app = await appInWorkspace(caller, ctx.params.id!);
    const { redirectUri, ...body } = parse(updateApplicationBody, ctx);
    const updated = await updateApp(deps, { ...body, id: app.id, ...(redirectUri !== undefined ? { redirectUris: [redirectUri] } : {}) }, caller.actor);
    ctx.body = toApplication(updated);
  });

  router.delete('/oauth/applications/:id', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    const app = await appInWorkspace(caller, ctx.params.id!);
    await deleteApp(deps, { id: app.id }, caller.actor);
    ctx.status = 204;
  });

  router.post('/oauth/applications/:id/rotate-secret', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    const app = await appInWorkspace(caller, ctx.params.id!);
    const rotated = await rotateAppSecret(deps, { id: app.id }, caller.actor);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...toApplication(rotated.app), clientSecret: rotated.clientSecret };
  });

  return router;
}
