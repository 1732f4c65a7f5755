import { EventEmitter } from 'node:events';
import type { Db } from './database';

export type EventLevel = 'info' | 'warn' | 'error';

export interface ActivityInput {
  type: string;
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

/** Rows per insert statement: one multi-row insert costs about what two single ones do. */
const BATCH_ROWS = 200;
/** Events waiting beyond this are dropped (and the drop is logged) rather than growing memory without end. */
const MAX_QUEUED = 100_000;

/**
 * The activity log: every authorization request, sign-in, consent decision,
 * token issued, refreshed, revoked or rejected, and error. Writes are
 * queued and batched, so logging never slows or breaks a protocol response.
 */
export class ActivityLog extends EventEmitter<{ event: [ActivityEvent] }> {
  readonly #db: Db;
  #queue: EventRow[] = [];
  #dropped = 0;
  #writing: Promise<void> | undefined;

  constructor(db: Db) {
    super();
    this.#db = db;
  }

  record(input: ActivityInput): void {
    if (this.#queue.length >= MAX_QUEUED) {
      this.#dropped++;
      return;
    }
    this.#queue.push({
      at: Date.now(),
      type: input.type,
      level: input.level ?? 'info',
      client_id: input.clientId ?? null,
      account_id: input.accountId ?? null,
      workspace_id: input.workspaceId ?? null,
      detail: JSON.stringify(redact(input.detail ?? {})),
    });
    this.#writing ??= this.#drain();
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
          const inserted = await this.#db.insertInto('events').values(batch).returning('id').execute();
          // Ids grow in insertion order; RETURNING does not promise an order, so sort.
          const ids = inserted.map((r) => r.id).sort((a, b) => a - b);
          batch.forEach((row, i) => this.emit('event', toEvent(ids[i] ?? 0, row)));
        } catch {
          // The log must never break the server: a failed batch is lost, the next one is tried.
        }
      }
    } finally {
      this.#writing = undefined;
    }
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
