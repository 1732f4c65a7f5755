import type { Router } from '@koa/router';
import type { Context } from 'koa';
import { webhooksCreateInput, webhooksUpdateInput } from '../../shared/contract/webhooks';
import { parseJsonBody as parse } from './json-body';
import type { Authenticate, Call, RouteScopes } from './management-api';

/** Webhooks need their own scopes (ADMIN's, in the catalog); `write:webhooks` reads too. */
export const WEBHOOK_SCOPES: RouteScopes = {
  write: ['write:webhooks'],
  read: ['read:webhooks', 'write:webhooks'],
  task: { write: 'manage webhooks', read: 'see webhooks' },
};

/** `POST …/webhooks`: the contract's fields without the app (it is in the path). */
export const createWebhookBody = webhooksCreateInput.omit({ appId: true });
/** `PATCH …/webhooks/{webhookId}`: any subset of the changeable fields. */
export const updateWebhookBody = webhooksUpdateInput.omit({ appId: true, id: true });

function paging(ctx: Context): { limit: number | string; cursor?: string } {
  const limit = ctx.query.limit === undefined ? 50 : /^\d{1,4}$/.test(String(ctx.query.limit)) ? Number(ctx.query.limit) : String(ctx.query.limit);
  const cursor = typeof ctx.query.cursor === 'string' && ctx.query.cursor ? ctx.query.cursor : undefined;
  return { limit, ...(cursor ? { cursor } : {}) };
}

/**
 * The webhook routes of the management REST API, under an app of the
 * caller's workspace: the same contract procedures as the console, with the
 * scopes `read:webhooks` / `write:webhooks` (or a workspace API key).
 */
export function addWebhookRoutes(router: Router, authenticate: Authenticate, call: Call): void {
  const base = '/oauth/applications/:id/webhooks';

  router.get(base, async (ctx) => {
    const caller = await authenticate(ctx, 'read', WEBHOOK_SCOPES);
    ctx.body = { data: (await call('webhooks.list', { appId: ctx.params.id }, caller)).items };
  });

  router.post(base, async (ctx) => {
    const caller = await authenticate(ctx, 'write', WEBHOOK_SCOPES);
    const created = await call('webhooks.create', { ...parse(createWebhookBody, ctx), appId: ctx.params.id }, caller);
    ctx.status = 201;
    ctx.set('Location', `/api/v1/oauth/applications/${encodeURIComponent(ctx.params.id!)}/webhooks/${encodeURIComponent(created.endpoint.id)}`);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { ...created.endpoint, secret: created.secret };
  });

  router.patch(`${base}/:webhookId`, async (ctx) => {
    const caller = await authenticate(ctx, 'write', WEBHOOK_SCOPES);
    ctx.body = await call('webhooks.update', { ...parse(updateWebhookBody, ctx), appId: ctx.params.id, id: ctx.params.webhookId }, caller);
  });

  router.delete(`${base}/:webhookId`, async (ctx) => {
    const caller = await authenticate(ctx, 'write', WEBHOOK_SCOPES);
    await call('webhooks.delete', { appId: ctx.params.id, id: ctx.params.webhookId }, caller);
    ctx.status = 204;
  });

  router.get(`${base}/:webhookId/deliveries`, async (ctx) => {
    const caller = await authenticate(ctx, 'read', WEBHOOK_SCOPES);
    const status = typeof ctx.query.status === 'string' ? { status: ctx.query.status } : {};
    const page = await call('webhooks.deliveries', { appId: ctx.params.id, endpointId: ctx.params.webhookId, ...status, ...paging(ctx) }, caller);
    ctx.body = { data: page.items, nextCursor: page.nextCursor };
  });
}
