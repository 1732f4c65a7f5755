import type { ClientCache } from './oauth/client-cache';
import type { Simulation } from './oauth/simulation';
import type { Db } from './store/database';
import type { ActivityLog } from './store/events-store';
import type { SettingsStore } from './store/settings-store';

/**
 * The parts every layer of a running server shares, made once at start:
 * the engine's configuration (`EngineOptions`), the server's own routes
 * (`RouteContext`) and the admin use cases (`AdminServer`) are each these
 * parts plus what only they need, never a hand-copied bundle.
 */
export interface ServiceParts {
  /** The issuer URL: the server's public address. */
  issuer: string;
  db: Db;
  settings: SettingsStore;
  activity: ActivityLog;
  /** Client metadata remembered by the engine; writers of apps invalidate it. */
  clientCache: ClientCache;
  /** Fault and latency rules, and the server clock (`simulation.clock`): see src/main/oauth/simulation.ts. */
  simulation: Simulation;
}
