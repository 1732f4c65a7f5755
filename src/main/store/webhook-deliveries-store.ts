import { randomBytes } from 'node:crypto';
import { sql, type CompiledQuery, type QueryResult } from 'kysely';
import type { Db } from './database';
import { dialectOf } from './dialect';
import { olderThan, type KeysetPosition } from './keyset';
import type { WebhookAttemptTable, WebhookDeliveryTable } from './schema';

/**
 * Runs a compiled query on the right connection: a unit's (inside its
 * transaction, before the commit) or the database's.
 */
export type QueryRunner = <R>(query: CompiledQuery<R>) => Promise<QueryResult<R>>;

export type DeliveryStatus = WebhookDeliveryTable['status'];

export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

export interface EventToDeliver {
  appId: string;
  /** The webhook type (`app.authorized`, …). */
  type: string;
  eventId: number | null;
  /** The JSON body, as it will be sent. */
  payload: string;
  at: number;
  attemptLimit: number;
}

/**
 * Enqueues one delivery per enabled endpoint of the app subscribed to the
 * event's type, with `run`: called inside the unit that writes the event, so
 * a committed event always has its deliveries and a rolled-back one none.
 * Returns how many were enqueued.
 */
export async function enqueueDeliveries(db: Db, run: QueryRunner, event: EventToDeliver): Promise<number> {
  const endpoints = await run(
    db
      .selectFrom('webhook_endpoints')
      .select(['id', 'events'])
      .where('app_id', '=', event.appId)
      .where('enabled', '=', 1)
      .where('removed_at', 'is', null)
      .compile(),
  );
  const subscribed = endpoints.rows.filter((row) => (JSON.parse(row.events) as string[]).includes(event.type));
  if (subscribed.length === 0) return 0;
  await run(db.insertInto('webhook_deliveries').values(subscribed.map((endpoint) => deliveryRow(endpoint.id, event))).compile());
  return subscribed.length;
}

function deliveryRow(endpointId: string, event: EventToDeliver): WebhookDeliveryTable {
  return {
    id: newMessageId(),
    endpoint_id: endpointId,
    app_id: event.appId,
    event_type: event.type,
    event_id: event.eventId,
    payload: event.payload,
    status: 'pending',
    attempts: 0,
    attempt_limit: event.attemptLimit,
    next_attempt_at: event.at,
    lease_until: null,
    lease_owner: null,
    last_status: null,
    last_error: null,
    created_at: event.at,
    updated_at: event.at,
  };
}

/** One delivery to one endpoint whatever it subscribes to ("send a test event"); returns its id. */
export async function insertDelivery(db: Db, endpointId: string, event: EventToDeliver): Promise<string> {
  const row = deliveryRow(endpointId, event);
  await db.insertInto('webhook_deliveries').values(row).execute();
  return row.id;
}

/** Marks the app's endpoints removed (the app is gone): they get no new deliveries, pending ones still go out. */
export async function retireAppEndpoints(db: Db, run: QueryRunner, appId: string, at: number): Promise<void> {
  await run(db.updateTable('webhook_endpoints').set({ removed_at: at }).where('app_id', '=', appId).where('removed_at', 'is', null).compile());
}

/** Ids of deliveries due now and not claimed (or whose claim expired), oldest due first. */
export async function dueDeliveryIds(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The earliest time a pending delivery falls due (the worker sleeps until then), if any. */
export async function nextDueAt(db: Db): Promise<number | undefined> {
  const row = await db.selectFrom('webhook_deliveries').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('status', '=', 'pending').executeTakeFirst();
  return row?.at ?? undefined;
}

export interface ClaimedDelivery {
  id: string;
  endpointId: string;
  appId: string;
  eventType: string;
  payload: string;
  /** The attempt this claim makes (1 for the first). */
  attempt: number;
  attemptLimit: number;
  url: string;
  secretEnc: string;
}

/**
 * Claims a due delivery for `owner` until `now + leaseMs`: one conditional
 * update, so of workers racing for it exactly one wins, and a crashed
 * worker's claim expires. Undefined when another worker holds it or it is
 * no longer due.
 */
export async function claimDelivery(db: Db, id: string, owner: string, now: number, leaseMs: number): Promise<ClaimedDelivery | undefined> {
  return (await takeClaim(db, id, owner, now, leaseMs)) ? claimedDelivery(db, id) : undefined;
}

/** The conditional update of a claim: true when this owner won it. */
async function takeClaim(db: Db, id: string, owner: string, now: number, leaseMs: number): Promise<boolean> {
  const claimed = await db
    .updateTable('webhook_deliveries')
    .set({ lease_until: now + leaseMs, lease_owner: owner })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/**
 * Claims up to `limit` due deliveries for `owner` (see {@link claimDelivery}).
 * On PostgreSQL one statement whose `FOR UPDATE SKIP LOCKED` hands workers
 * of several instances disjoint rows without waiting on each other; on
 * SQLite (one writer at a time) the due ids, claimed one by one.
 */
export async function claimDueDeliveries(db: Db, owner: string, now: number, leaseMs: number, limit: number, skip: ReadonlySet<string>): Promise<ClaimedDelivery[]> {
  if (limit <= 0) return [];
  let ids: string[];
  if (dialectOf(db) === 'postgres') {
    const due = db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .$if(skip.size > 0, (qb) => qb.where('id', 'not in', [...skip]))
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked();
    const claimed = await db.updateTable('webhook_deliveries').set({ lease_until: now + leaseMs, lease_owner: owner }).where('id', 'in', due).returning('id').execute();
    ids = claimed.map((r) => r.id);
  } else {
    ids = [];
    for (const id of (await dueDeliveryIds(db, now, limit + skip.size)).filter((id) => !skip.has(id)).slice(0, limit)) {
      if (await takeClaim(db, id, owner, now, leaseMs)) ids.push(id);
    }
  }
  const deliveries: ClaimedDelivery[] = [];
  for (const id of ids) {
    const delivery = await claimedDelivery(db, id);
    if (delivery) deliveries.push(delivery);
  }
  return deliveries;
}

/** What a worker needs to send a delivery it holds the claim of. */
async function claimedDelivery(db: Db, id: string): Promise<ClaimedDelivery | undefined> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select(['d.id', 'd.endpoint_id', 'd.app_id', 'd.event_type', 'd.payload', 'd.attempts', 'd.attempt_limit', 'e.url', 'e.secret_enc'])
    .where('d.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    appId: row.app_id,
    eventType: row.event_type,
    payload: row.payload,
    attempt: row.attempts + 1,
    attemptLimit: row.attempt_limit,
    url: row.url,
    secretEnc: row.secret_enc,
  };
}

export type AttemptRow = Omit<WebhookAttemptTable, 'id'>;

export interface AttemptOutcome {
  status: DeliveryStatus;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
}

/**
 * Records an attempt and the delivery's new state, and ends the claim. Only
 * the claim's owner moves the delivery on (a worker whose claim expired and
 * was taken over records its attempt, and changes nothing else). Returns
 * whether the claim was still this owner's.
 */
export async function finishAttempt(db: Db, owner: string, attempt: AttemptRow, outcome: AttemptOutcome): Promise<boolean> {
  await db.insertInto('webhook_attempts').values(attempt).execute();
  const result = await db
    .updateTable('webhook_deliveries')
    .set({
      status: outcome.status,
      attempts: sql<number>`attempts + 1`,
      next_attempt_at: outcome.nextAttemptAt,
      last_status: outcome.lastStatus,
      last_error: outcome.lastError,
      lease_until: null,
      lease_owner: null,
      updated_at: attempt.started_at + attempt.duration_ms,
    })
    .where('id', '=', attempt.delivery_id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives a claim back without an attempt (the worker is stopping): the delivery is due again at once. */
export async function releaseClaim(db: Db, id: string, owner: string): Promise<void> {
  await db.updateTable('webhook_deliveries').set({ lease_until: null, lease_owner: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}

/**
 * Manual redelivery: the delivery is due now with one more attempt allowed
 * (a failed one gets one more try; a succeeded one is sent again with the
 * same `webhook-id`). Refused (false) while an attempt is in flight.
 */
export async function requeueDelivery(db: Db, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, attempt_limit: sql<number>`attempts + 1`, updated_at: now })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface AttemptRecord {
  attempt: number;
  startedAt: number;
  durationMs: number;
  url: string;
  requestHeaders: Record<string, string>;
  responseStatus: number | null;
  responseExcerpt: string | null;
  error: string | null;
}

export interface DeliveryRecord {
  id: string;
  endpointId: string;
  appId: string;
  eventType: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  attemptLimit: number;
  nextAttemptAt: number | null;
  inFlight: boolean;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  attemptLog: AttemptRecord[];
}

export interface DeliveryFilters {
  appId: string;
  endpointId?: string;
  status?: DeliveryStatus;
}

/** The app's deliveries, newest first, each with every attempt; keyset paged. */
export async function listDeliveryRecords(db: Db, filters: DeliveryFilters, after: KeysetPosition | undefined, limit: number): Promise<{ records: DeliveryRecord[]; more: boolean }> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('app_id', '=', filters.appId);
  if (filters.endpointId) query = query.where('endpoint_id', '=', filters.endpointId);
  if (filters.status) query = query.where('status', '=', filters.status);
  if (after) query = query.where(olderThan(after));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  return { records: await withAttempts(db, page), more: rows.length > limit };
}

export async function findDeliveryRecord(db: Db, appId: string, id: string): Promise<DeliveryRecord | undefined> {
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).where('app_id', '=', appId).executeTakeFirst();
  return row ? (await withAttempts(db, [row]))[0] : undefined;
}

async function withAttempts(db: Db, rows: WebhookDeliveryTable[]): Promise<DeliveryRecord[]> {
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where(
      'delivery_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('attempt')
    .orderBy('id')
    .execute();
  const now = Date.now();
  return rows.map((row) => ({
    id: row.id,
    endpointId: row.endpoint_id,
    appId: row.app_id,
    eventType: row.event_type,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    attemptLimit: row.attempt_limit,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    inFlight: row.lease_until !== null && row.lease_until > now,
    lastStatus: row.last_status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    attemptLog: attempts
      .filter((a) => a.delivery_id === row.id)
      .map((a) => ({
        attempt: a.attempt,
        startedAt: a.started_at,
        durationMs: a.duration_ms,
        url: a.url,
        requestHeaders: JSON.parse(a.request_headers) as Record<string, string>,
        responseStatus: a.response_status,
        responseExcerpt: a.response_excerpt,
        error: a.error,
      })),
  }));
}
