import { sql } from 'kysely';
import type { ActivityEvent } from '../../shared/contract/activity';
import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { Db } from '../store/database';
import type { EventTable } from '../store/schema';
import type { AdminServer } from './context';
import { containsText } from '../store/text-search';

type Ctx = Pick<AdminServer, 'db'>;

export function toActivityEvent(row: Omit<EventTable, 'id'> & { id: number }): ActivityEvent {
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>;
  } catch {
    detail = {};
  }
  return { id: row.id, at: row.at, type: row.type, level: row.level, clientId: row.client_id, accountId: row.account_id, workspaceId: row.workspace_id, detail };
}

export async function latestEventId(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('id').as('id')).executeTakeFirstOrThrow();
  return Number(row.id ?? 0);
}

/** Events newer than `afterId`, oldest first: the backlog when following live. */
export async function eventsAfter(db: Db, afterId: number, limit: number): Promise<ActivityEvent[]> {
  const rows = await db.selectFrom('events').selectAll().where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(toActivityEvent);
}

export async function listActivity(ctx: Ctx, input: ParsedInput<'activity.list'>): Promise<ProcedureOutput<'activity.list'>> {
  let query = ctx.db.selectFrom('events').selectAll();
  if (input.types?.length) {
    const types = input.types;
    query = query.where((eb) =>
      eb.or(types.map((t) => (t.endsWith('.') ? sql<boolean>`${eb.ref('type')} like ${`${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} escape '\\'` : eb('type', '=', t)))),
    );
  }
  if (input.level) query = query.where('level', '=', input.level);
  if (input.appId) query = query.where('client_id', '=', input.appId);
  if (input.userId) query = query.where('account_id', '=', input.userId);
  if (input.workspaceId) query = query.where('workspace_id', '=', input.workspaceId);
  if (input.search) {
    const search = input.search;
    query = query.where((eb) => containsText([eb.ref('type'), eb.ref('detail')], search));
  }
  const following = input.afterId !== undefined;
  if (following) query = query.where('id', '>', input.afterId!);
  if (input.beforeId !== undefined) query = query.where('id', '<', input.beforeId);
  const rows = await query.orderBy('id', following ? 'asc' : 'desc').limit(input.limit).execute();
  const items = rows.map(toActivityEvent);
  return {
    items,
    latestId: await latestEventId(ctx.db),
    nextBeforeId: !following && items.length === input.limit ? items.at(-1)!.id : null,
  };
}
