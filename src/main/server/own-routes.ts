import { bodyParser } from '../http/body-parser';
import type { Router } from '@koa/router';
import Koa, { type Context } from 'koa';
import { OWN_BODY_LIMIT } from '../http/body-limit';
import { problemOf, restBody, setProblemHead, type Problem } from '../http/errors';
import { errorPage } from '../http/html';
import { securityHeaders } from '../http/security-headers';
import { unitPerRequest } from '../oauth/serialized-requests';
import { createInteractionRouter } from './interactions';
import { createManagementApi } from './management-api';
import { protectedResourceRoutes } from './protected-resource-routes';
import { createResourceApi } from './resource-api';
import { SAMPLE_API_RESOURCE_PATH } from './built-in-resources';
import type { RouteContext } from './route-context';
import { createWebhookCatcher } from './webhook-catcher';
import { SAMPLE_MCP_PATH } from '../../shared/sample-mcp';
import { INBOX_PATH } from '../webhooks/start-webhooks';
import { lazyRoute } from './lazy-route';
import { onlyFor } from '../http/pass-by';
import { simulatedResourceFaults } from './simulated-resource-faults';

/** A refusal of the APIs (401, 403) is audit material: recorded as `api.rejected`. */
function recordRejection(deps: Pick<RouteContext, 'activity'>, ctx: Context, problem: Problem): void {
  if (!ctx.path.startsWith('/api/') || (problem.status !== 401 && problem.status !== 403)) return;
  deps.activity.record({ type: 'api.rejected', level: 'warn', detail: { path: ctx.path, method: ctx.method, status: problem.status, error: problem.error, description: problem.body.message } });
}

/**
 * Errors of our own routes, through the one mapper (src/main/http/errors.ts):
 * the pages answer with the error page, everything else with the REST face
 * (`{ error, error_description, fields? }`); an unknown route is a 404 in
 * that face too.
 */
function answerErrors(deps: Pick<RouteContext, 'activity' | 'log'>): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: 'not_found', error_description: `No route for ${ctx.method} ${ctx.path}` };
      }
    } catch (err) {
      const problem = problemOf(err, {
        report: (message) => {
          deps.log(`error on ${ctx.method} ${ctx.path}: ${message}`);
          deps.activity.record({ type: 'server.error', level: 'error', detail: { method: ctx.method, path: ctx.path, message } });
        },
      });
      recordRejection(deps, ctx, problem);
      setProblemHead(ctx, problem);
      if (ctx.path.startsWith('/interaction/')) {
        ctx.type = 'html';
        ctx.body = errorPage(problem.error, problem.body.message);
      } else {
        ctx.body = restBody(problem);
      }
    }
  };
}

/** The health answer (`/` and `/healthz`): where discovery is; no state, no secrets. */
function health(issuer: string): Koa.Middleware {
  return async (ctx, next) => {
    if (ctx.path !== '/' && ctx.path !== '/healthz') return next();
    ctx.body = {
      name: 'OAuth Console',
      issuer,
      discovery: `${issuer}/.well-known/openid-configuration`,
      authorizationServerMetadata: `${issuer}/.well-known/oauth-authorization-server`,
      status: 'ok',
    };
  };
}

/**
 * `middleware` for the paths under `prefix`; the others pass by at once. A
 * router otherwise matches every request's path against all its routes, and
 * each router adds two middlewares and their promises to every request.
 */
function under(prefix: string, middleware: Koa.Middleware): Koa.Middleware {
  return onlyFor((ctx: Koa.Context) => ctx.path.startsWith(prefix), middleware);
}

/** Two middlewares as one: `first`, whose `next` is `second`. */
function chain(first: Koa.Middleware, second: Koa.Middleware): Koa.Middleware {
  return (ctx, next) => first(ctx, () => second(ctx, next));
}

/** A router's routes, then its 405/501 answers for a known path with another method. */
function routesOf(router: Router): Koa.Middleware {
  // The router's middlewares add `params` and `router` to the context they are given.
  return chain(router.routes() as Koa.Middleware, router.allowedMethods() as Koa.Middleware);
}

/** Our own routes: sign-in and consent pages, the management and sample APIs, the sample MCP server (its own answers), health. */
export function createOwnRoutes(deps: RouteContext): Koa {
  const app = new Koa();
  app.silent = true;
  app.use(securityHeaders());
  app.use(simulatedResourceFaults(deps));
  app.use(lazyRoute(SAMPLE_MCP_PATH, async () => (await import('./sample-mcp')).sampleMcpRoute(deps)));
  app.use(answerErrors(deps));
  // The webhook catcher reads its raw body itself (any content type, capped), so it comes before the parser.
  app.use(under(INBOX_PATH, routesOf(createWebhookCatcher(deps))));
  app.use(bodyParser({ enableTypes: ['json', 'form'], jsonLimit: OWN_BODY_LIMIT, formLimit: OWN_BODY_LIMIT, encoding: 'utf-8' }));
  // Sign-in and consent read the interaction, then write the grant and the result: one step, so a
  // form submitted twice at once is decided once (the second sees the first's result). Writes of the
  // management and sample APIs are units too; their reads stay outside.
  const serialized = (ctx: Koa.Context) => ctx.path.startsWith('/interaction/') || (ctx.path.startsWith('/api/') && ctx.method !== 'GET' && ctx.method !== 'HEAD');
  app.use(unitPerRequest(deps.db, serialized));
  app.use(protectedResourceRoutes(deps));
  app.use(under('/interaction/', routesOf(createInteractionRouter(deps))));
  // The management API and the sample resource API share their prefix (/api/v1).
  app.use(under(`${SAMPLE_API_RESOURCE_PATH}/`, chain(routesOf(createManagementApi(deps)), routesOf(createResourceApi(deps)))));
  app.use(health(deps.issuer));
  return app;
}
