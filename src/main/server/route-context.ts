import type Provider from 'oidc-provider';
import type { ClientCache } from '../oauth/client-cache';
import type { Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import type { SettingsStore } from '../store/settings-store';
import type { RateLimits } from './rate-limits';

/**
 * What the server's own routes (sign-in and consent pages, the management
 * and sample APIs, health) share: one bundle, built once per engine, from
 * which each router takes the part it reads (`Pick<RouteContext, ...>`).
 */
export interface RouteContext {
  /** The engine these routes answer for (a key rotation builds a new one, and new routes with it). */
  provider: Provider;
  db: Db;
  settings: SettingsStore;
  activity: ActivityLog;
  /** Client metadata remembered by the engine; writers of apps invalidate it. */
  clientCache: ClientCache;
  issuer: string;
  /** Operational lines (never secrets). */
  log: (line: string) => void;
  /** Keys the sign-in and consent forms' CSRF tokens. */
  csrfKey: Buffer;
  rateLimits: RateLimits;
}
