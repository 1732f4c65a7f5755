import type { ActivityEvent } from '../../shared/contract/activity';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Db } from '../store/database';
import type { AdminServer } from './context';
import { appNames } from '../store/apps-store';
import { appNamesFromEvents, eventRowsAfter, eventRowsInRanges, latestEventId, listEventRows, type StoredEvent } from '../store/events-store';

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

/** The events with ids in `[first, last]` ranges, oldest first: what another instance announced. */
export async function eventsInRanges(db: Db, ranges: Array<[number, number]>, limit: number): Promise<ActivityEvent[]> {
  return (await eventRowsInRanges(db, ranges, limit)).map(toActivityEvent);
}

export async function listActivity(ctx: Ctx, input: ParsedInput<'activity.list'>): Promise<ProcedureOutput<'activity.list'>> {
  const items = await withAppNames(ctx.db, (await listEventRows(ctx.db, input)).map(toActivityEvent));
  const following = input.afterId !== undefined;
  return {
    items,
    latestId: await latestEventId(ctx.db),
    nextBeforeId: !following && items.length === input.limit ? items.at(-1)!.id : null,
  };
}

/**
 * Names the app of each event: from the apps table, else (a deleted app)
 * from the app's own events, so the log never shows a bare client id for an
 * app it once knew.
 */
async function withAppNames(db: Db, events: ActivityEvent[]): Promise<ActivityEvent[]> {
  const ids = [...new Set(events.flatMap((e) => (e.clientId ? [e.clientId] : [])))];
  if (ids.length === 0) return events;
  const names = await appNames(db, ids);
  const missing = ids.filter((id) => !names.has(id));
  for (const [id, name] of await appNamesFromEvents(db, missing)) names.set(id, name);
  return events.map((e) => ({ ...e, appName: e.clientId ? (names.get(e.clientId) ?? null) : null }));
}
