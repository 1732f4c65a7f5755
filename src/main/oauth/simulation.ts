import type { SimulationEndpoint, SimulationError } from '../../shared/contract/simulation';
import type { Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import { listSimulationRules, takeSimulationRequest, type SimulationRuleRecord } from '../store/simulation-rules-store';
import type { ServerClock } from './server-clock';

/** The `Retry-After` of a 429, 503 or `temporarily_unavailable` whose rule names none. */
export const DEFAULT_RETRY_AFTER_SECONDS = 30;

/** What a request is, as far as rules can tell: the endpoint, and where known the app and the grant type. */
export interface SimulatedRequest {
  endpoint: SimulationEndpoint;
  clientId?: string | undefined;
  grantType?: string | undefined;
}

/** A simulated answer instead of the real one. */
export type SimulatedAnswer =
  | { kind: 'error'; error: SimulationError; retryAfterSeconds: number }
  | { kind: 'status'; status: 429 | 503; retryAfterSeconds: number };

export interface SimulationVerdict {
  /** Wait this long first (ms). */
  latencyMs: number;
  answer?: SimulatedAnswer;
}

/** Which of a rule's effects a caller can carry out where it asks (the authorization endpoint answers errors later, from inside the engine). */
export type EffectFilter = ReadonlySet<SimulationRuleRecord['effect']>;
export const ALL_EFFECTS: EffectFilter = new Set(['error', 'status', 'latency']);

/** App rules before global ones, a grant type's before the endpoint's; newest first within each. */
function specificity(rule: SimulationRuleRecord): number {
  return (rule.appId ? 2 : 0) + (rule.grantType ? 1 : 0);
}

/**
 * The rules in effect, held in memory so the hot path costs a filter over a
 * short array (nothing at all while no rule exists); every change through
 * the admin contract reloads the snapshot. A `next N` rule is counted in the
 * database (one conditional UPDATE per matching request), so it stays exact
 * under concurrency and across instances; another instance's changes reach
 * this one's snapshot through the change feed (store/change-feed.ts).
 */
export class Simulation {
  #rules: SimulationRuleRecord[] = [];
  /** Requests answered per rule since start (share and until-cleared rules; `next` rules count in the store). */
  readonly #applied = new Map<string, number>();
  /** Bumped by every change of the snapshot: a load that read before one must not overwrite it. */
  #version = 0;

  constructor(
    private readonly db: Db,
    private readonly activity: ActivityLog,
    readonly clock: ServerClock,
  ) {}

  /** Reads the rules into the snapshot: at start, and when another instance changed them (see change-feed.ts). */
  async load(): Promise<void> {
    for (;;) {
      const version = this.#version;
      const rules = await listSimulationRules(this.db);
      if (version !== this.#version) continue;
      this.#set(rules);
      return;
    }
  }

  /** A rule now stored joins the snapshot (synchronously: the caller's answer is not sent before the rule is in effect). */
  added(rule: SimulationRuleRecord): void {
    this.#set([rule, ...this.#rules]);
  }

  /** A rule now deleted leaves it. */
  removed(id: string): void {
    this.#drop(id);
  }

  /** Every rule now deleted. */
  cleared(): void {
    this.#rules = [];
    this.#version++;
  }

  #set(rules: SimulationRuleRecord[]): void {
    this.#version++;
    this.#rules = rules.filter((r) => r.spentAt === null).sort((a, b) => specificity(b) - specificity(a) || b.createdAt - a.createdAt);
  }

  /** Whether any rule aims at this endpoint (cheap; lets callers skip work such as reading a body). */
  aimsAt(endpoint: SimulationEndpoint, detail?: 'app' | 'grantType'): boolean {
    return this.#rules.some((r) => r.endpoint === endpoint && (detail === undefined || (detail === 'app' ? r.appId !== null : r.grantType !== null)));
  }

  appliedCount(rule: SimulationRuleRecord): number {
    if (rule.mode === 'next') return (rule.count ?? 0) - (rule.remaining ?? 0);
    return this.#applied.get(rule.id) ?? 0;
  }

  /**
   * Decides what a request meets: at most one latency and one answer, each
   * from the most specific matching rule whose mode lets this request be
   * one of the faulted (a `next` rule takes one of its requests here).
   */
  async decide(request: SimulatedRequest, effects: EffectFilter = ALL_EFFECTS): Promise<SimulationVerdict | undefined> {
    if (this.#rules.length === 0) return undefined;
    const matching = this.#rules.filter(
      (r) =>
        r.endpoint === request.endpoint &&
        effects.has(r.effect) &&
        (r.appId === null || r.appId === request.clientId) &&
        (r.grantType === null || r.grantType === request.grantType),
    );
    if (matching.length === 0) return undefined;
    let latency: SimulationRuleRecord | undefined;
    let answer: SimulationRuleRecord | undefined;
    for (const rule of matching) {
      const isLatency = rule.effect === 'latency';
      if (isLatency ? latency : answer) continue;
      if (!(await this.#admits(rule))) continue;
      if (isLatency) latency = rule;
      else answer = rule;
      if (latency && answer) break;
    }
    if (!latency && !answer) return undefined;
    return { latencyMs: latency?.latencyMs ?? 0, ...(answer ? { answer: answerOf(answer) } : {}) };
  }

  /** Whether this request is one the rule answers; for `next`, takes one of its requests. */
  async #admits(rule: SimulationRuleRecord): Promise<boolean> {
    if (rule.mode === 'share' && Math.random() * 100 >= (rule.percent ?? 0)) return false;
    if (rule.mode !== 'next') {
      this.#applied.set(rule.id, (this.#applied.get(rule.id) ?? 0) + 1);
      return true;
    }
    const left = await takeSimulationRequest(this.db, rule.id, this.clock.now());
    if (left === undefined) {
      this.#drop(rule.id);
      return false;
    }
    if (left === 0) {
      this.#drop(rule.id);
      this.activity.record({ type: 'simulation.spent', clientId: rule.appId, detail: { id: rule.id, endpoint: rule.endpoint, count: rule.count } });
    }
    return true;
  }

  #drop(id: string): void {
    this.#version++;
    this.#rules = this.#rules.filter((r) => r.id !== id);
  }
}

function answerOf(rule: SimulationRuleRecord): SimulatedAnswer {
  const retryAfterSeconds = rule.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  if (rule.effect === 'status') return { kind: 'status', status: rule.status === 429 ? 429 : 503, retryAfterSeconds };
  return { kind: 'error', error: rule.error as SimulationError, retryAfterSeconds };
}

/** Waits `ms` (a simulated slow answer). */
export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
