import type { ParsedInput, ProcedureOutput } from '../../shared/contract/procedures';
import type { SimulationRule } from '../../shared/contract/simulation';
import { appExists } from '../store/apps-store';
import { whenCommitted } from '../store/database';
import { deleteAllSimulationRules, deleteSimulationRule, insertSimulationRule, listSimulationRules, type SimulationRuleRecord } from '../store/simulation-rules-store';
import { by, type Actor, type AdminServer } from './context';
import { notFound } from './errors';

type Ctx = Pick<AdminServer, 'db' | 'activity' | 'simulation'>;

function toRule(ctx: Ctx, record: SimulationRuleRecord): SimulationRule {
  return { ...record, endpoint: record.endpoint as SimulationRule['endpoint'], error: record.error as SimulationRule['error'], applied: ctx.simulation.appliedCount(record) };
}


export async function listSimulation(ctx: Ctx): Promise<ProcedureOutput<'simulation.list'>> {
  const records = await listSimulationRules(ctx.db);
  return { items: records.map((r) => toRule(ctx, r)), clockOffsetSeconds: ctx.simulation.clock.offsetSeconds, serverNow: ctx.simulation.clock.now() };
}

export async function createSimulationRule(ctx: Ctx, input: ParsedInput<'simulation.create'>, actor: Actor): Promise<ProcedureOutput<'simulation.create'>> {
  if (input.appId !== undefined && !(await appExists(ctx.db, input.appId))) throw notFound('appId', 'app');
  const id = await insertSimulationRule(
    ctx.db,
    {
      endpoint: input.endpoint,
      appId: input.appId ?? null,
      grantType: input.grantType ?? null,
      effect: input.effect,
      error: input.error ?? null,
      status: input.status ?? null,
      retryAfterSeconds: input.retryAfterSeconds ?? null,
      latencyMs: input.latencyMs ?? null,
      mode: input.mode,
      count: input.count ?? null,
      percent: input.percent ?? null,
    },
    ctx.simulation.clock.now(),
  );
  const { appId: _appId, ...rule } = input;
  ctx.activity.record({ type: 'simulation.created', clientId: input.appId ?? null, detail: { ...by(actor), id, ...rule } });
  const created = (await listSimulationRules(ctx.db)).find((r) => r.id === id)!;
  // The snapshot the hot path reads changes once the rule is stored, before this call answers.
  whenCommitted(ctx.db, () => ctx.simulation.added(created));
  return toRule(ctx, created);
}

export async function deleteSimulation(ctx: Ctx, input: ParsedInput<'simulation.delete'>, actor: Actor): Promise<ProcedureOutput<'simulation.delete'>> {
  if (!(await deleteSimulationRule(ctx.db, input.id))) throw notFound('id', 'simulation rule');
  whenCommitted(ctx.db, () => ctx.simulation.removed(input.id));
  ctx.activity.record({ type: 'simulation.deleted', detail: { ...by(actor), id: input.id } });
  return { deleted: true };
}

export async function clearSimulation(ctx: Ctx, input: ParsedInput<'simulation.clear'>, actor: Actor): Promise<ProcedureOutput<'simulation.clear'>> {
  const cleared = await deleteAllSimulationRules(ctx.db);
  const clockReset = input.clock === true && ctx.simulation.clock.offsetSeconds !== 0;
  if (input.clock) await ctx.simulation.clock.set(0);
  whenCommitted(ctx.db, () => ctx.simulation.cleared());
  ctx.activity.record({ type: 'simulation.cleared', detail: { ...by(actor), cleared, clockReset } });
  return { cleared, clockReset };
}

export async function setClockOffset(ctx: Ctx, input: ParsedInput<'simulation.setClock'>, actor: Actor): Promise<ProcedureOutput<'simulation.setClock'>> {
  const from = ctx.simulation.clock.offsetSeconds;
  await ctx.simulation.clock.set(input.offsetSeconds);
  ctx.activity.record({ type: 'simulation.clock_set', detail: { ...by(actor), from, offsetSeconds: input.offsetSeconds } });
  // The new offset applies after commit; the answer already says what it will be.
  return { clockOffsetSeconds: input.offsetSeconds, serverNow: Date.now() - from * 1000 + input.offsetSeconds * 1000 };
}
