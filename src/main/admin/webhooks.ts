import type { WebhookDelivery, WebhookEndpoint } from '../../shared/contract/webhooks';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import { WEBHOOK_TEST_EVENT, type WebhookPayload } from '../../shared/webhooks';
import { findApp } from '../store/apps-store';
import { whenCommitted } from '../store/database';
import { findDeliveryRecord, insertDelivery, listDeliveryRecords, requeueDelivery, type DeliveryRecord } from '../store/webhook-deliveries-store';
import {
  deleteWebhookEndpointRow,
  findWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  setWebhookSecret,
  updateWebhookEndpointRow,
  type WebhookEndpointRecord,
} from '../store/webhook-endpoints-store';
import { inboxOfApp, listInboxRequests } from '../store/webhook-inbox-store';
import { by, type Actor, type AdminServer } from './context';
import { decodeListCursor, encodeListCursor } from './cursor';
import { conflict, notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity' | 'webhooks'>;

async function requireApp(ctx: Ctx, appId: string): Promise<{ id: string; workspaceId: string }> {
  const app = await findApp(ctx.db, appId);
  if (!app) throw notFound('appId', 'app');
  return app;
}

async function requireEndpoint(ctx: Ctx, appId: string, id: string): Promise<WebhookEndpointRecord> {
  await requireApp(ctx, appId);
  const endpoint = await findWebhookEndpoint(ctx.db, appId, id);
  if (!endpoint) throw notFound('id', 'webhook endpoint of this app');
  return endpoint;
}

const toEndpoint = (record: WebhookEndpointRecord): WebhookEndpoint => record;
const toDelivery = (record: DeliveryRecord): WebhookDelivery => record;

export async function listWebhooks(ctx: Ctx, input: ParsedInput<'webhooks.list'>): Promise<ProcedureOutput<'webhooks.list'>> {
  await requireApp(ctx, input.appId);
  return { items: (await listWebhookEndpoints(ctx.db, input.appId)).map(toEndpoint) };
}

export async function createWebhook(ctx: Ctx, input: ParsedInput<'webhooks.create'>, actor: Actor): Promise<ProcedureOutput<'webhooks.create'>> {
  const app = await requireApp(ctx, input.appId);
  const { secret, enc, hint } = ctx.webhooks.secrets.create();
  const endpoint = await insertWebhookEndpoint(ctx.db, {
    appId: app.id,
    url: input.url,
    description: input.description ?? null,
    events: input.events,
    enabled: input.enabled,
    secretEnc: enc,
    secretHint: hint,
  });
  ctx.activity.record({ type: 'webhook.created', clientId: app.id, workspaceId: app.workspaceId, detail: { ...by(actor), endpointId: endpoint.id, url: endpoint.url, events: endpoint.events } });
  return { endpoint: toEndpoint(endpoint), secret };
}

export async function updateWebhook(ctx: Ctx, input: ParsedInput<'webhooks.update'>, actor: Actor): Promise<ProcedureOutput<'webhooks.update'>> {
  const endpoint = await requireEndpoint(ctx, input.appId, input.id);
  const { appId, id, ...patch } = input;
  const changed = Object.entries(patch)
    .filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify((endpoint as unknown as Record<string, unknown>)[key]))
    .map(([key]) => key);
  await updateWebhookEndpointRow(ctx.db, id, {
    ...(patch.url !== undefined ? { url: patch.url } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    ...(patch.events !== undefined ? { events: patch.events } : {}),
    ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
  });
  ctx.activity.record({ type: 'webhook.updated', clientId: appId, detail: { ...by(actor), endpointId: id, changed } });
  return toEndpoint((await findWebhookEndpoint(ctx.db, appId, id))!);
}

export async function deleteWebhook(ctx: Ctx, input: ParsedInput<'webhooks.delete'>, actor: Actor): Promise<ProcedureOutput<'webhooks.delete'>> {
  const endpoint = await requireEndpoint(ctx, input.appId, input.id);
  await deleteWebhookEndpointRow(ctx.db, endpoint.id);
  ctx.activity.record({ type: 'webhook.deleted', clientId: input.appId, detail: { ...by(actor), endpointId: endpoint.id, url: endpoint.url } });
  return { deleted: true };
}

/** A new signing secret, shown once; every attempt from now on (retries of older messages too) is signed with it. */
export async function rotateWebhookSecret(ctx: Ctx, input: ParsedInput<'webhooks.rotateSecret'>, actor: Actor): Promise<ProcedureOutput<'webhooks.rotateSecret'>> {
  const endpoint = await requireEndpoint(ctx, input.appId, input.id);
  const { secret, enc, hint } = ctx.webhooks.secrets.create();
  await setWebhookSecret(ctx.db, endpoint.id, { enc, hint });
  ctx.activity.record({ type: 'webhook.secret_rotated', clientId: input.appId, detail: { ...by(actor), endpointId: endpoint.id } });
  return { endpoint: toEndpoint((await findWebhookEndpoint(ctx.db, input.appId, endpoint.id))!), secret };
}

export async function listWebhookDeliveries(ctx: Ctx, input: ParsedInput<'webhooks.deliveries'>): Promise<ProcedureOutput<'webhooks.deliveries'>> {
  if (input.endpointId !== undefined) await requireEndpoint(ctx, input.appId, input.endpointId);
  else await requireApp(ctx, input.appId);
  const after = input.cursor ? decodeListCursor(input.cursor) : undefined;
  const filters = { appId: input.appId, ...(input.endpointId ? { endpointId: input.endpointId } : {}), ...(input.status ? { status: input.status } : {}) };
  const { records, more } = await listDeliveryRecords(ctx.db, filters, after, input.limit);
  const last = records.at(-1);
  return { items: records.map(toDelivery), nextCursor: more && last ? encodeListCursor(last.createdAt, last.id) : null };
}

export async function redeliverWebhook(ctx: Ctx, input: ParsedInput<'webhooks.redeliver'>, actor: Actor): Promise<ProcedureOutput<'webhooks.redeliver'>> {
  await requireApp(ctx, input.appId);
  const delivery = await findDeliveryRecord(ctx.db, input.appId, input.deliveryId);
  if (!delivery) throw notFound('deliveryId', 'webhook delivery of this app');
  if (!(await requeueDelivery(ctx.db, delivery.id, Date.now()))) throw conflict('deliveryId', 'an attempt of this delivery is in flight; wait for it to finish');
  ctx.activity.record({ type: 'webhook.redelivered', clientId: input.appId, detail: { ...by(actor), deliveryId: delivery.id, endpointId: delivery.endpointId } });
  whenCommitted(ctx.db, () => ctx.webhooks.wake());
  return toDelivery((await findDeliveryRecord(ctx.db, input.appId, delivery.id))!);
}

export async function sendTestWebhook(ctx: Ctx, input: ParsedInput<'webhooks.sendTest'>, actor: Actor): Promise<ProcedureOutput<'webhooks.sendTest'>> {
  const endpoint = await requireEndpoint(ctx, input.appId, input.id);
  const at = Date.now();
  const payload: WebhookPayload = { type: WEBHOOK_TEST_EVENT, timestamp: new Date(at).toISOString(), data: { appId: input.appId, endpointId: endpoint.id, message: 'A test event from OAuth Console' } };
  const id = await insertDelivery(ctx.db, endpoint.id, { appId: input.appId, type: WEBHOOK_TEST_EVENT, eventId: null, payload: JSON.stringify(payload), at, attemptLimit: 1 });
  ctx.activity.record({ type: 'webhook.test_sent', clientId: input.appId, detail: { ...by(actor), endpointId: endpoint.id, deliveryId: id } });
  whenCommitted(ctx.db, () => ctx.webhooks.wake());
  return toDelivery((await findDeliveryRecord(ctx.db, input.appId, id))!);
}

/** The app's catcher: its inbox is made on first use. */
export async function webhookCatcher(ctx: Ctx, input: ParsedInput<'webhooks.catcher'>): Promise<ProcedureOutput<'webhooks.catcher'>> {
  await requireApp(ctx, input.appId);
  const inboxId = await inboxOfApp(ctx.db, input.appId);
  return { url: ctx.webhooks.inboxUrl(inboxId), requests: await listInboxRequests(ctx.db, inboxId, input.limit) };
}
