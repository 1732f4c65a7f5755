import type Provider from 'oidc-provider';
import type { AdminDispatch } from '../admin/dispatch';
import type { RateLimits } from '../http/rate-limits';
import type { ServiceParts } from '../service-parts';

/**
 * What the server's own routes (sign-in and consent pages, the management
 * and sample APIs, health) share: the service parts plus what only routes
 * need, built once per engine; each router takes the part it reads
 * (`Pick<RouteContext, ...>`).
 */
export interface RouteContext extends ServiceParts {
  /** The engine these routes answer for (a key rotation builds a new one, and new routes with it). */
  provider: Provider;
  /** Operational lines (never secrets). */
  log: (line: string) => void;
  /** Keys the sign-in and consent forms' CSRF tokens. */
  csrfKey: Buffer;
  rateLimits: RateLimits;
  /** The admin contract's dispatcher, the one the console calls too (the management API is its REST face). */
  dispatch: AdminDispatch;
}
