import { randomBytes } from 'node:crypto';
import { publishChange } from './change-feed';
import type { Db } from './database';
import type { SimulationRuleTable } from './schema';

/** A simulation rule as stored (see migration 0007). */
export interface SimulationRuleRecord {
  id: string;
  endpoint: string;
  appId: string | null;
  appName: string | null;
  grantType: string | null;
  effect: SimulationRuleTable['effect'];
  error: string | null;
  status: number | null;
  retryAfterSeconds: number | null;
  latencyMs: number | null;
  mode: SimulationRuleTable['mode'];
  count: number | null;
  remaining: number | null;
  percent: number | null;
  createdAt: number;
  spentAt: number | null;
}

export type NewSimulationRule = Omit<SimulationRuleRecord, 'id' | 'appName' | 'remaining' | 'createdAt' | 'spentAt'>;

type Row = SimulationRuleTable & { app_name: string | null };

function toRecord(row: Row): SimulationRuleRecord {
  return {
    id: row.id,
    endpoint: row.endpoint,
    appId: row.app_id,
    appName: row.app_name,
    grantType: row.grant_type,
    effect: row.effect,
    error: row.error,
    status: row.status,
    retryAfterSeconds: row.retry_after_seconds,
    latencyMs: row.latency_ms,
    mode: row.mode,
    count: row.count,
    remaining: row.remaining,
    percent: row.percent,
    createdAt: row.created_at,
    spentAt: row.spent_at,
  };
}

/** Every rule, in effect first (newest first), spent ones after them. */
export async function listSimulationRules(db: Db): Promise<SimulationRuleRecord[]> {
  const rows = await db
    .selectFrom('simulation_rules as r')
    .leftJoin('apps as a', 'a.id', 'r.app_id')
    .selectAll('r')
    .select('a.name as app_name')
    .orderBy((eb) => eb.case().when('r.spent_at', 'is', null).then(0).else(1).end())
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  return rows.map(toRecord);
}

export async function insertSimulationRule(db: Db, rule: NewSimulationRule, now: number): Promise<string> {
  const id = `sim_${randomBytes(8).toString('hex')}`;
  await db
    .insertInto('simulation_rules')
    .values({
      id,
      endpoint: rule.endpoint,
      app_id: rule.appId,
      grant_type: rule.grantType,
      effect: rule.effect,
      error: rule.error,
      status: rule.status,
      retry_after_seconds: rule.retryAfterSeconds,
      latency_ms: rule.latencyMs,
      mode: rule.mode,
      count: rule.count,
      remaining: rule.mode === 'next' ? rule.count : null,
      percent: rule.percent,
      created_at: now,
      spent_at: null,
    })
    .execute();
  publishChange(db, { kind: 'simulation' });
  return id;
}

export async function deleteSimulationRule(db: Db, id: string): Promise<boolean> {
  const result = await db.deleteFrom('simulation_rules').where('id', '=', id).executeTakeFirst();
  publishChange(db, { kind: 'simulation' });
  return Number(result.numDeletedRows) > 0;
}

/** Removes every rule; answers how many there were. */
export async function deleteAllSimulationRules(db: Db): Promise<number> {
  const result = await db.deleteFrom('simulation_rules').executeTakeFirst();
  publishChange(db, { kind: 'simulation' });
  return Number(result.numDeletedRows);
}

/**
 * Takes one request of a `next` rule: one statement, so of any number of
 * callers (in this process or another on the same file) at most `count` get
 * one. Answers the requests left, or undefined when none was left to take.
 * The last one taken marks the rule spent.
 */
export async function takeSimulationRequest(db: Db, id: string, now: number): Promise<number | undefined> {
  const row = await db
    .updateTable('simulation_rules')
    .set((eb) => ({ remaining: eb('remaining', '-', 1), spent_at: eb.case().when('remaining', '=', 1).then(now).else(eb.ref('spent_at')).end() }))
    .where('id', '=', id)
    .where('remaining', '>', 0)
    .returning('remaining')
    .executeTakeFirst();
  return row?.remaining ?? undefined;
}
