import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { FieldError } from '../../shared/contract/errors';
import type { ProcedureName, ProcedureOutput } from '../../shared/contract/procedures';
import { PREFIX } from '../../shared/prefixes';
import { FULL_ACCESS_SCOPE, findScope } from '../../shared/scopes';
import type { Caller } from '../admin/caller';
import { invalid } from '../admin/errors';
import { AdminError, BearerError } from '../http/errors';
import { authenticateApiKey } from '../store/api-keys-store';
import { authenticateAccessToken, bearerValue } from './bearer';
import { resourceOf, SAMPLE_API_RESOURCE_PATH } from './built-in-resources';
import { checkFullAccess } from './checks/check-full-access';
import { checkRole } from './checks/check-role';
import { checkScope } from './checks/check-scope';
import { checkWorkspace } from './checks/check-workspace';
import { forbidden } from './checks/refusal';
import { createApplicationBody, toApplication, updateApplicationBody } from './management-schemas';
import { parseJsonBody as parse } from './json-body';
import { addWebhookRoutes } from './management-webhooks';
import { openApiDocument } from './openapi';
import type { RouteContext } from './route-context';

export type ManagementApiDeps = Pick<RouteContext, 'provider' | 'db' | 'dispatch' | 'issuer'>;

/** The scope an OAuth access token needs to manage apps (seed 000/001). */
export const MANAGE_SCOPE = 'admin:organization';
/** Either scope lets a token read the workspace's apps. */
const READ_SCOPES = [MANAGE_SCOPE, 'read:organization'] as const;
/** The role that manages apps, and reads their settings: the manage scope's, by the one role rule (seed 001: OWNER and ADMIN). */
const MANAGING_ROLE = findScope(MANAGE_SCOPE)!.minRole;

/** The scopes a token needs for a route family, to write and to read; the first of each is the one a refusal names (and whose role the user needs). */
export interface RouteScopes {
  write: readonly [string, ...string[]];
  read: readonly [string, ...string[]];
  /** What a refused caller could not do, in words: to write, to read. */
  task: { write: string; read: string };
}
const APP_SCOPES: RouteScopes = { write: [MANAGE_SCOPE], read: READ_SCOPES, task: { write: 'create or change OAuth applications', read: 'see OAuth applications' } };

/** Authenticates a management call and holds the caller to its workspace. */
export type Authenticate = (ctx: Context, need: 'read' | 'write', scopes?: RouteScopes) => Promise<Caller>;
/** One contract call for the caller; an error result is thrown to the mapper. */
export type Call = <P extends ProcedureName>(procedure: P, input: unknown, caller: Caller) => Promise<ProcedureOutput<P>>;

/** Seed 001's `redirectUri` shorthand: the contract's `redirectUris` errors are named after the field the caller sent. */
function renameRedirectFields(err: AdminError, shorthand: boolean): AdminError {
  if (!shorthand || err.code !== 'invalid_input') return err;
  const fields: FieldError[] = err.fields.map((f) => (/^redirectUris(\.|$)/.test(f.field) ? { ...f, field: 'redirectUri' } : f));
  return invalid(fields);
}

/**
 * The management REST API for apps (seeds 000 and 001): a REST face of the
 * admin contract. Each route authenticates, runs the named checks, and
 * calls the same dispatcher as the console with a caller held to its
 * workspace (other workspaces' apps are 404); errors go to the one HTTP
 * mapper of the server's own routes.
 *
 * Authentication is `Authorization: Bearer` with a workspace API key
 * (`oc_key_…`, looked up by hash; it acts as an admin of its workspace) or
 * an OAuth access token carrying `admin:organization` for a user whose role
 * reaches that scope's (OWNER or ADMIN). Reads also accept
 * `read:organization`, still from an OWNER or ADMIN (a MEMBER sees no apps),
 * or from the app's own bot token, which reads and never writes;
 * `admin:all` stands for either while its granter is an OWNER.
 */
export function createManagementApi(deps: ManagementApiDeps): Router {
  const { provider, db } = deps;
  const router = new Router({ prefix: '/api/v1' });

  const authenticate: Authenticate = async (ctx, need, scopes = APP_SCOPES) => {
    const value = bearerValue(ctx);
    if (value.startsWith(PREFIX.apiKey)) {
      const key = await authenticateApiKey(db, value);
      if (!key) throw new BearerError(401, 'invalid_token', 'The API key is invalid or revoked');
      return { workspaceId: key.workspaceId, actor: { via: 'api', principal: `api_key:${key.id}` } };
    }
    // The management API is part of the sample REST API's resource server (/api/v1): the same audience rule.
    const principal = await authenticateAccessToken(provider, db, value, { resource: resourceOf(deps.issuer, SAMPLE_API_RESOURCE_PATH), acceptUnbound: true }, ctx);
    const accepted = need === 'write' ? scopes.write : scopes.read;
    const via = checkScope(principal, accepted, accepted[0]);
    const workspaceId = checkWorkspace(principal, forbidden);
    if (via === FULL_ACCESS_SCOPE) await checkFullAccess(db, principal, forbidden);
    const acting = principal.accountId && principal.actor === 'self' ? principal.accountId : undefined;
    const caller: Caller = { workspaceId, actor: { via: 'api', principal: acting ?? `bot:${principal.clientId}` } };
    if (!acting) {
      if (need === 'write') throw forbidden(`Only OWNER and ADMIN members can ${scopes.task.write}; an app token acts as a bot, not a member`);
      return caller;
    }
    // Seed 001: only OWNERS and ADMINS manage apps. An app's settings (redirect URIs, grants, the secret's
    // last characters) are management data, so a MEMBER's token neither changes nor reads them.
    const role = findScope(accepted[0])?.minRole ?? MANAGING_ROLE;
    await checkRole(db, workspaceId, acting, role, scopes.task[need], forbidden);
    return caller;
  };

  /** One contract call for the caller; an error result is thrown to the mapper. */
  const call = async <P extends ProcedureName>(procedure: P, input: unknown, caller: Caller, shorthand = false): Promise<ProcedureOutput<P>> => {
    const result = await deps.dispatch(procedure, input, caller);
    if (!result.ok) throw renameRedirectFields(new AdminError(result.error), shorthand);
    return result.data as ProcedureOutput<P>;
  };

  router.get('/openapi.json', (ctx) => {
    ctx.body = openApiDocument(deps.issuer);
  });

  router.post('/oauth/applications', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    const { redirectUri, ...body } = parse(createApplicationBody, ctx);
    const redirectUris = redirectUri !== undefined ? [redirectUri] : body.redirectUris;
    const created = await call('apps.create', { ...body, redirectUris, workspaceId: caller.workspaceId }, caller, redirectUri !== undefined);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/oauth/applications/${encodeURIComponent(created.app.id)}`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...toApplication(created.app), clientSecret: created.clientSecret };
  });

  router.get('/oauth/applications', async (ctx) => {
    const caller = await authenticate(ctx, 'read');
    const limit = ctx.query.limit === undefined ? 50 : /^\d{1,4}$/.test(String(ctx.query.limit)) ? Number(ctx.query.limit) : String(ctx.query.limit);
    const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
    const page = await call('apps.list', { workspaceId: caller.workspaceId, limit, ...(cursor ? { cursor } : {}) }, caller);
    ctx.body = { data: page.items.map(toApplication), nextCursor: page.nextCursor };
  });

  router.get('/oauth/applications/:id', async (ctx) => {
    const caller = await authenticate(ctx, 'read');
    ctx.body = toApplication(await call('apps.get', { id: ctx.params.id }, caller));
  });

  router.patch('/oauth/applications/:id', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    const { redirectUri, ...body } = parse(updateApplicationBody, ctx);
    const input = { ...body, id: ctx.params.id, ...(redirectUri !== undefined ? { redirectUris: [redirectUri] } : {}) };
    ctx.body = toApplication(await call('apps.update', input, caller, redirectUri !== undefined));
  });

  router.delete('/oauth/applications/:id', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    await call('apps.delete', { id: ctx.params.id }, caller);
    ctx.status = 204;
  });

  router.post('/oauth/applications/:id/rotate-secret', async (ctx) => {
    const caller = await authenticate(ctx, 'write');
    const rotated = await call('apps.rotateSecret', { id: ctx.params.id }, caller);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...toApplication(rotated.app), clientSecret: rotated.clientSecret };
  });

  addWebhookRoutes(router, authenticate, call);
  return router;
}
