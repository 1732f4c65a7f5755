import { randomBytes } from 'node:crypto';
import type { Db } from './database';

/** The app's catcher inbox, made on first use: its id is the unguessable part of the inbox URL. */
export async function inboxOfApp(db: Db, appId: string): Promise<string> {
  const existing = await db.selectFrom('webhook_inboxes').select('id').where('app_id', '=', appId).executeTakeFirst();
  if (existing) return existing.id;
  const id = `ibx_${randomBytes(18).toString('base64url')}`;
  await db.insertInto('webhook_inboxes').values({ id, app_id: appId, created_at: Date.now() }).onConflict((oc) => oc.column('app_id').doNothing()).execute();
  return (await db.selectFrom('webhook_inboxes').select('id').where('app_id', '=', appId).executeTakeFirstOrThrow()).id;
}

export async function inboxExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('webhook_inboxes').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export interface InboxRequest {
  headers: Record<string, string>;
  body: string;
  size: number;
  truncated: boolean;
}

/** Stores one received request and keeps only the newest `keep` of the inbox. */
export async function recordInboxRequest(db: Db, inboxId: string, request: InboxRequest, keep: number): Promise<void> {
  await db
    .insertInto('webhook_inbox_requests')
    .values({ inbox_id: inboxId, received_at: Date.now(), headers: JSON.stringify(request.headers), body: request.body, size: request.size, truncated: request.truncated ? 1 : 0 })
    .execute();
  const oldest = await db.selectFrom('webhook_inbox_requests').select('id').where('inbox_id', '=', inboxId).orderBy('id', 'desc').offset(keep).limit(1).executeTakeFirst();
  if (oldest) await db.deleteFrom('webhook_inbox_requests').where('inbox_id', '=', inboxId).where('id', '<=', oldest.id).execute();
}

export interface InboxRequestRecord extends InboxRequest {
  id: number;
  receivedAt: number;
}

/** The inbox's requests, newest first. */
export async function listInboxRequests(db: Db, inboxId: string, limit: number): Promise<InboxRequestRecord[]> {
  const rows = await db.selectFrom('webhook_inbox_requests').selectAll().where('inbox_id', '=', inboxId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, receivedAt: r.received_at, headers: JSON.parse(r.headers) as Record<string, string>, body: r.body, size: r.size, truncated: r.truncated === 1 }));
}
