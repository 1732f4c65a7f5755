import { randomBytes } from 'node:crypto';
import type { Db } from './database';
import type { WebhookEndpointTable } from './schema';

/** A webhook endpoint as the use cases see it: never its secret, only the secret's last characters. */
export interface WebhookEndpointRecord {
  id: string;
  appId: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  secretHint: string;
  createdAt: number;
  updatedAt: number;
}

function toRecord(row: WebhookEndpointTable): WebhookEndpointRecord {
  return {
    id: row.id,
    appId: row.app_id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as string[],
    enabled: row.enabled === 1,
    secretHint: row.secret_hint,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface NewWebhookEndpoint {
  appId: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  /** The secret, already encrypted under the master key. */
  secretEnc: string;
  secretHint: string;
}

export async function insertWebhookEndpoint(db: Db, input: NewWebhookEndpoint): Promise<WebhookEndpointRecord> {
  const now = Date.now();
  const row: WebhookEndpointTable = {
    id: `wh_${randomBytes(12).toString('base64url')}`,
    app_id: input.appId,
    url: input.url,
    description: input.description,
    events: JSON.stringify(input.events),
    enabled: input.enabled ? 1 : 0,
    secret_enc: input.secretEnc,
    secret_hint: input.secretHint,
    created_at: now,
    updated_at: now,
    removed_at: null,
  };
  await db.insertInto('webhook_endpoints').values(row).execute();
  return toRecord(row);
}

/** The app's endpoints, oldest first (an app has a handful). */
export async function listWebhookEndpoints(db: Db, appId: string): Promise<WebhookEndpointRecord[]> {
  const rows = await db.selectFrom('webhook_endpoints').selectAll().where('app_id', '=', appId).where('removed_at', 'is', null).orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

/** One endpoint of the app (another app's, or a removed one, is not found). */
export async function findWebhookEndpoint(db: Db, appId: string, id: string): Promise<WebhookEndpointRecord | undefined> {
  const row = await db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('app_id', '=', appId).where('removed_at', 'is', null).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function updateWebhookEndpointRow(db: Db, id: string, patch: { url?: string; description?: string | null; events?: string[]; enabled?: boolean }): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set({
      ...(patch.url !== undefined ? { url: patch.url } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.events !== undefined ? { events: JSON.stringify(patch.events) } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
      updated_at: Date.now(),
    })
    .where('id', '=', id)
    .execute();
}

export async function setWebhookSecret(db: Db, id: string, secret: { enc: string; hint: string }): Promise<void> {
  await db.updateTable('webhook_endpoints').set({ secret_enc: secret.enc, secret_hint: secret.hint, updated_at: Date.now() }).where('id', '=', id).execute();
}

/** Deletes the endpoint with its deliveries and their attempts (foreign keys cascade). */
export async function deleteWebhookEndpointRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

/** Endpoints of deleted apps (or of apps removed with their workspace) whose last deliveries are done. */
export async function purgeRetiredWebhookEndpoints(db: Db): Promise<number> {
  const result = await db
    .deleteFrom('webhook_endpoints')
    .where((eb) =>
      eb.and([
        eb.or([eb('removed_at', 'is not', null), eb.not(eb.exists(eb.selectFrom('apps').select('apps.id').whereRef('apps.id', '=', 'webhook_endpoints.app_id')))]),
        eb.not(eb.exists(eb.selectFrom('webhook_deliveries').select('webhook_deliveries.id').whereRef('webhook_deliveries.endpoint_id', '=', 'webhook_endpoints.id').where('webhook_deliveries.status', '=', 'pending'))),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
