import { isDeepStrictEqual } from 'node:util';
import { simulationCreateInput, type SimulationRule } from '../../../shared/contract/simulation';
import { createSimulationRule, deleteSimulation, listSimulation } from '../simulation';
import { atEntity, inputAt } from './config-steps';
import type { ConfigRun } from './config-run';

import { SIMULATION_FIELDS } from './config-document';

/** A rule's fields as the document spells them (absent for null), for matching and for the export. */
export function declaredRule(rule: SimulationRule): Record<string, unknown> {
  const fields: Record<string, unknown> = { endpoint: rule.endpoint, app: rule.appId };
  for (const key of SIMULATION_FIELDS) fields[key] = (rule as unknown as Record<string, unknown>)[key];
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined));
}

function ruleKey(rule: Record<string, unknown>): string {
  const what = rule.error ?? rule.status ?? (rule.latencyMs !== undefined ? `${String(rule.latencyMs)} ms` : rule.effect);
  return `${String(rule.endpoint)}${rule.app ? ` of ${String(rule.app)}` : ''}: ${String(what)} (${String(rule.mode)})`;
}

/**
 * Simulation rules in effect, matched by every field (a rule has no name):
 * a declared rule in effect is unchanged, one that is not is added (a spent
 * `next N` rule is not in effect, so a seed arms it again on every start).
 */
export async function applySimulation(run: ConfigRun): Promise<void> {
  if (!run.doc.simulation) return;
  const inEffect = (await listSimulation(run.ctx)).items.filter((r) => r.spentAt === null);
  const unmatched = [...inEffect];
  for (const [i, entry] of run.doc.simulation.entries()) {
    const path = ['simulation', i];
    const declared = Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
    const match = unmatched.findIndex((rule) => isDeepStrictEqual(declaredRule(rule), declared));
    if (match !== -1) {
      unmatched.splice(match, 1);
      run.report.updatedOrNot('simulationRule', ruleKey(declared), path, []);
      continue;
    }
    const { app, ...rest } = entry;
    const input = inputAt(run.source, path, simulationCreateInput, { ...rest, ...(app ? { appId: app } : {}) });
    await atEntity(run.source, path, () => createSimulationRule(run.ctx, input, run.actor));
    run.report.created('simulationRule', ruleKey(declared), path);
  }
  // prune: true: the rules in effect are exactly the declared ones.
  if (!run.doc.prune) return;
  for (const rule of unmatched) {
    await atEntity(run.source, ['simulation'], () => deleteSimulation(run.ctx, { id: rule.id }, run.actor));
    run.report.deleted('simulationRule', ruleKey(declaredRule(rule)), ['simulation']);
  }
}
