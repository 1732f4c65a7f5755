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

/**
 * The activity log: every authorization request, sign-in, consent decision,
 * token issued, refreshed, revoked or rejected, and error. Writes are
 * queued so that logging never slows or breaks a protocol response.
 */
export class ActivityLog extends EventEmitter<{ event: [ActivityEvent] }> {
  readonly #db: Db;
  #pending: Promise<void> = Promise.resolve();

  constructor(db: Db) {
    super();
    this.#db = db;
  }

  record(input: ActivityInput): void {
    const row = {
      at: Date.now(),
      type: input.type,
      level: input.level ?? 'info',
      client_id: input.clientId ?? null,
      account_id: input.accountId ?? null,
      workspace_id: input.workspaceId ?? null,
      detail: JSON.stringify(redact(input.detail ?? {})),
    };
    this.#pending = this.#pending
      .then(async () => {
        const inserted = await this.#db.insertInto('events').values(row).returning('id').executeTakeFirst();
        this.emit('event', {
          id: inserted?.id ?? 0,
          at: row.at,
          type: row.type,
          level: row.level,
          clientId: row.client_id,
          accountId: row.account_id,
          workspaceId: row.workspace_id,
          detail: JSON.parse(row.detail) as Record<string, unknown>,
        });
      })
      .catch(() => undefined);
  }

  /** Resolves when every queued write has landed (tests, shutdown). */
  flush(): Promise<void> {
    return this.#pending;
  }
}
