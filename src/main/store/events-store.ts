import { EventEmitter } from 'node:events';
import { CompiledQuery, sql, type DatabaseConnection, type QueryResult, type SqlBool } from 'kysely';
import { currentUnit, type Db } from './database';
import { dialectOf, positionalPlaceholders } from './dialect';
import type { EventType } from '../../shared/events';
import type { EventTable } from './schema';
import { containsText, startsWithPattern } from './text-search';
import type { BeforeCommit, UnitOfWork } from './unit-of-work';

/** One unit's events: queued until its commit, with their ids once inserted. */
interface UnitEvents {
  rows: EventRow[];
  written: ActivityEvent[];
}

export type EventLevel = 'info' | 'warn' | 'error';

export interface ActivityInput {
  /** One of the catalog's (src/shared/events.ts). */
  type: EventType;
  level?: EventLevel;
  clientId?: string | null;
  accountId?: string | null;
  workspaceId?: string | null;
  detail?: Record<string, unknown>;
}

export interface ActivityEvent {
  id: number;
  at: number;
  type: string;
  level: EventLevel;
  clientId: string | null;
  accountId: string | null;
  workspaceId: string | null;
  detail: Record<string, unknown>;
}

/** Keys whose values are credentials: never written to the activity log. */
const SECRET_KEY = /secret|token|password|assertion|code_verifier|^code$|authorization|cookie|api[_-]?key|jti|^value$/i;

/** Deep-copies `value`, replacing credential-like fields with "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]),
    );
  }
  if (typeof value === 'string' && value.length > 500) return `${value.slice(0, 500)}…`;
  return value;
}

type EventRow = {
  at: number;
  type: string;
  level: EventLevel;
  client_id: string | null;
  account_id: string | null;
  workspace_id: string | null;
  detail: string;
};

/**
 * Work that belongs to the same transaction as the events it reads (the
 * webhook deliveries they cause): runs right after their insert with the
 * same connection, so both commit or neither. For events written outside a
 * unit it runs right after their batch.
 */
export type EventsWrittenHook = (events: ActivityEvent[], run: <R>(query: CompiledQuery<R>) => Promise<QueryResult<R>>) => Promise<void>;

/** Rows per insert statement: one multi-row insert costs about what two single ones do. */
const BATCH_ROWS = 200;

const EVENT_COLUMNS = `"at", "type", "level", "client_id", "account_id", "workspace_id", "detail"`;
/** The insert's text per row count, written out once: building it with the query builder cost about 100 µs per token request. */
const insertTexts = new Map<string, string>();

/** One multi-row insert of `batch` that returns the new ids. */
function insertQuery(db: Db, batch: EventRow[]): CompiledQuery<{ id: number }> {
  const key = `${dialectOf(db)}:${batch.length}`;
  let text = insertTexts.get(key);
  if (!text) {
    text = `insert into "events" (${EVENT_COLUMNS}) values ${Array.from({ length: batch.length }, () => '(?, ?, ?, ?, ?, ?, ?)').join(', ')} returning "id"`;
    if (dialectOf(db) === 'postgres') text = positionalPlaceholders(text);
    insertTexts.set(key, text);
  }
  const parameters: unknown[] = [];
  for (const row of batch) parameters.push(row.at, row.type, row.level, row.client_id, row.account_id, row.workspace_id, row.detail);
  return CompiledQuery.raw(text, parameters) as CompiledQuery<{ id: number }>;
}
/** Events waiting beyond this are dropped (and the drop is logged) rather than growing memory without end. */
const MAX_QUEUED = 100_000;

/**
 * The activity log: every authorization request, sign-in, consent decision,
 * token issued, refreshed, revoked or rejected, and error.
 *
 * An event recorded inside a unit of work (every state-changing protocol
 * request: token, revocation, registration, authorization, sign-in and
 * consent) is written in that unit's transaction, so it is exactly as
 * durable as the change it describes: both land, or neither. Other events
 * (rejected introspections, admin reads, errors outside a request) are
 * queued and written in batches right after the response, so a crash can
 * lose those of the last few milliseconds.
 */
export class ActivityLog extends EventEmitter<{ event: [ActivityEvent]; relayed: [ActivityEvent] }> {
  readonly #db: Db;
  #queue: EventRow[] = [];
  #dropped = 0;
  #writing: Promise<void> | undefined;
  readonly #pending = new WeakMap<UnitOfWork, EventRow[]>();
  readonly #entries = new WeakMap<BeforeCommit, UnitEvents>();
  readonly #writtenHooks: EventsWrittenHook[] = [];

  constructor(db: Db) {
    super();
    this.#db = db;
  }

  /** Adds work to run with every write of events, in its transaction (see {@link EventsWrittenHook}). */
  onWritten(hook: EventsWrittenHook): void {
    this.#writtenHooks.push(hook);
  }

  record(input: ActivityInput): void {
    const row: EventRow = {
      at: Date.now(),
      type: input.type,
      level: input.level ?? 'info',
      client_id: input.clientId ?? null,
      account_id: input.accountId ?? null,
      workspace_id: input.workspaceId ?? null,
      detail: JSON.stringify(redact(input.detail ?? {})),
    };
    const unit = currentUnit(this.#db);
    if (unit) return this.#withUnit(unit, row);
    this.#enqueue(row);
  }

  #enqueue(row: EventRow): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.#dropped++;
      return;
    }
    this.#queue.push(row);
    this.#writing ??= this.#drain();
  }

  /** Queues `row` on the unit: inserted just before its commit, announced after. */
  #withUnit(unit: UnitOfWork, row: EventRow): void {
    let rows = this.#pending.get(unit);
    if (rows) {
      rows.push(row);
      return;
    }
    rows = [row];
    this.#pending.set(unit, rows);
    const entry: UnitEvents = { rows, written: [] };
    const hook: BeforeCommit = (connection) => this.#writeUnits(connection, [entry]);
    // Units committing together insert all their events in one statement.
    hook.merge = { family: 'events', run: (connection, hooks) => this.#writeUnits(connection, hooks.map((h) => this.#entries.get(h)!)) };
    this.#entries.set(hook, entry);
    unit.beforeCommit(hook);
    unit.afterCommit(() => {
      for (const event of entry.written) this.emit('event', event);
    });
    // The change was dropped, so its events are untrue, except the warnings and errors that say why.
    unit.afterRollback(() => {
      for (const dropped of rows) if (dropped.level !== 'info') this.#enqueue(dropped);
    });
  }

  /** Inserts the events of one or more units (in order), then runs the written hooks on them all. */
  async #writeUnits(connection: DatabaseConnection, entries: UnitEvents[]): Promise<void> {
    const all = entries.flatMap((e) => e.rows);
    const written: ActivityEvent[] = [];
    for (let i = 0; i < all.length; i += BATCH_ROWS) written.push(...(await this.#insert(connection, all.slice(i, i + BATCH_ROWS))));
    let at = 0;
    for (const entry of entries) {
      entry.written = written.slice(at, at + entry.rows.length);
      at += entry.rows.length;
    }
    for (const hook of this.#writtenHooks) await hook(written, (query) => connection.executeQuery(query));
  }

  async #insert(connection: DatabaseConnection, batch: EventRow[]): Promise<ActivityEvent[]> {
    const { rows } = await connection.executeQuery<{ id: number }>(insertQuery(this.#db, batch));
    // Ids grow in insertion order; RETURNING does not promise an order, so sort.
    const ids = rows.map((r) => r.id).sort((a, b) => a - b);
    return batch.map((row, i) => toEvent(ids[i] ?? 0, row));
  }

  /** Writes queued events in batches until the queue is empty. */
  async #drain(): Promise<void> {
    // Let the current request finish queuing its events first.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      while (this.#queue.length > 0) {
        if (this.#dropped > 0) {
          this.#queue.push({ at: Date.now(), type: 'activity.dropped', level: 'warn', client_id: null, account_id: null, workspace_id: null, detail: JSON.stringify({ dropped: this.#dropped }) });
          this.#dropped = 0;
        }
        const batch = this.#queue.splice(0, BATCH_ROWS);
        try {
          const inserted = (await this.#db.executeQuery(insertQuery(this.#db, batch))).rows;
          // Ids grow in insertion order; RETURNING does not promise an order, so sort.
          const ids = inserted.map((r) => r.id).sort((a, b) => a - b);
          const events = batch.map((row, i) => toEvent(ids[i] ?? 0, row));
          for (const hook of this.#writtenHooks) await hook(events, (query) => this.#db.executeQuery(query)).catch(() => undefined);
          for (const event of events) this.emit('event', event);
        } catch {
          // The log must never break the server: a failed batch is lost, the next one is tried.
        }
      }
    } finally {
      this.#writing = undefined;
    }
  }

  /**
   * Events another instance on the database committed, read back after its
   * announcement (see activity-relay.ts): emitted as `relayed`, apart from
   * this instance's own `event`s, so what reacts to a write here (nothing
   * but live views should react to both) never runs twice.
   */
  relay(event: ActivityEvent): void {
    this.emit('relayed', event);
  }

  /** Resolves when every queued write has landed (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }
}

function toEvent(id: number, row: EventRow): ActivityEvent {
  return {
    id,
    at: row.at,
    type: row.type,
    level: row.level,
    clientId: row.client_id,
    accountId: row.account_id,
    workspaceId: row.workspace_id,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  };
}

/** A stored activity event, as the table holds it. */
export type StoredEvent = Omit<EventTable, 'id'> & { id: number };

export async function latestEventId(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
  return Number(row.id ?? 0);
}

/** Events newer than `afterId`, oldest first: the backlog when following live. */
export async function eventRowsAfter(db: Db, afterId: number, limit: number): Promise<StoredEvent[]> {
  return db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

/** The events whose ids fall in the ranges `[first, last]`, oldest first (at most `limit`). */
export async function eventRowsInRanges(db: Db, ranges: Array<[number, number]>, limit: number): Promise<StoredEvent[]> {
  if (ranges.length === 0) return [];
  return db
    .selectFrom('events')
    .selectAll()
    .where((eb) => eb.or(ranges.map(([first, last]) => (first === last ? eb('id', '=', first) : eb.between('id', first, last)))))
    .orderBy('id')
    .limit(limit)
    .execute();
}

export interface EventFilters {
  /** Exact types, or prefixes ending in a dot (`token.`). */
  types?: string[];
  level?: EventLevel;
  appId?: string;
  userId?: string;
  workspaceId?: string;
  /** Matched in the type and the detail. */
  search?: string;
  /** Newer than this id, oldest first (following); else newest first. */
  afterId?: number;
  beforeId?: number;
  /** Events at or after this time (ms). */
  from?: number;
  /** Events at or before this time (ms). */
  to?: number;
  limit: number;
}

export async function listEventRows(db: Db, filters: EventFilters): Promise<StoredEvent[]> {
  let query = db.selectFrom('events').selectAll();
  const types = filters.types;
  if (types?.length) {
    query = query.where((eb) => eb.or(types.map((t) => (t.endsWith('.') ? sql<SqlBool>`${eb.ref('type')} like ${startsWithPattern(t)} escape '\\'` : eb('type', '=', t)))));
  }
  if (filters.level) query = query.where('level', '=', filters.level);
  if (filters.appId) query = query.where('client_id', '=', filters.appId);
  if (filters.userId) query = query.where('account_id', '=', filters.userId);
  if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
  const search = filters.search;
  if (search) query = query.where((eb) => containsText([eb.ref('type'), eb.ref('detail')], search));
  const following = filters.afterId !== undefined;
  if (following) query = query.where('id', '>', filters.afterId!);
  if (filters.beforeId !== undefined) query = query.where('id', '<', filters.beforeId);
  if (filters.from !== undefined) query = query.where('at', '>=', filters.from);
  if (filters.to !== undefined) query = query.where('at', '<=', filters.to);
  return query.orderBy('id', following ? 'asc' : 'desc').limit(filters.limit).execute();
}

/**
 * The names apps had when they were registered or deleted, from their own
 * events: a deleted app's rows in the log keep a readable name (the apps
 * table no longer has it). The newest event naming each app wins.
 */
export async function appNamesFromEvents(db: Db, clientIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  if (clientIds.length === 0) return names;
  const rows = await db
    .selectFrom('events')
    .select(['client_id', 'detail'])
    .where('client_id', 'in', clientIds)
    .where('type', 'in', ['app.deleted', 'app.created', 'app.updated'])
    .orderBy('id', 'desc')
    .execute();
  for (const row of rows) {
    if (!row.client_id || names.has(row.client_id)) continue;
    try {
      const name = (JSON.parse(row.detail) as { name?: unknown }).name;
      if (typeof name === 'string' && name) names.set(row.client_id, name);
    } catch {
      // A detail that is not JSON names nothing.
    }
  }
  return names;
}

/** Deletes events older than `before` (ms): the activity log's retention. Returns how many went. */
export async function deleteEventsBefore(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('events').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
