import type { ActivityEvent } from '../../shared/contract/activity';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Db } from '../store/database';
import type { AdminServer } from './context';
import { eventRowsAfter, latestEventId, listEventRows, type StoredEvent } from '../store/events-store';

type Ctx = Pick<AdminServer, 'db'>;

export function toActivityEvent(row: StoredEvent): ActivityEvent {
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>;
  } catch {
    detail = {};
  }
  return { id: row.id, at: row.at, type: row.type, level: row.level, clientId: row.client_id, accountId: row.account_id, workspaceId: row.workspace_id, detail };
}

/** Events newer than `afterId`, oldest first: the backlog when following live. */
export async function eventsAfter(db: Db, afterId: number, limit: number): Promise<ActivityEvent[]> {
  return (await eventRowsAfter(db, afterId, limit)).map(toActivityEvent);
}

export async function listActivity(ctx: Ctx, input: ParsedInput<'activity.list'>): Promise<ProcedureOutput<'activity.list'>> {
  const items = (await listEventRows(ctx.db, input)).map(toActivityEvent);
  const following = input.afterId !== undefined;
  return {
    items,
    latestId: await latestEventId(ctx.db),
    nextBeforeId: !following && items.length === input.limit ? items.at(-1)!.id : null,
  };
}
