import type Provider from 'oidc-provider';
import { unitOfWork, type Db } from '../store/database';
import { isAtOrUnder, onlyFor } from '../http/pass-by';
import { ROUTES } from './routes';

/**
 * Engine endpoints that change state: each request runs as one unit of work
 * (one transaction). That is what makes single use hold under concurrency —
 * a code, refresh token, device code or interaction read by one request
 * cannot be read as unused by another before the first commits — and what
 * makes rotation all or nothing: a refresh that fails half-way (or a
 * process killed mid-request) leaves the old token working.
 *
 * Read-only endpoints (discovery, JWKS, introspection, userinfo) stay
 * outside so they never wait behind a write.
 */
const SERIALIZED_PREFIXES = [
  ROUTES.token,
  ROUTES.revocation,
  ROUTES.registration,
  ROUTES.pushed_authorization_request,
  ROUTES.authorization,
  ROUTES.end_session,
  ROUTES.device_authorization,
  ROUTES.code_verification,
];

/** The engine's router matches paths case-insensitively, so this does too (`/OAUTH/TOKEN` is the token endpoint). */
export function isSerializedPath(path: string): boolean {
  const lower = path.toLowerCase();
  return SERIALIZED_PREFIXES.some((prefix) => isAtOrUnder(lower, prefix));
}

/**
 * Koa middleware running each request that `applies` to as one unit of work:
 * committed with its answer, rolled back when the answer is a 5xx. For the
 * engine here, and for the server's own pages and API writes.
 */
export function unitPerRequest<C extends { status: number }>(db: Db, applies: (ctx: C) => boolean) {
  return onlyFor(applies, (ctx, next) => unitOfWork(db, next, () => ctx.status < 500));
}

/** Wraps the engine's state-changing endpoints in a unit of work; a 5xx answer rolls its writes back. */
export function installSerializedRequests(provider: Provider, db: Db): void {
  provider.use(unitPerRequest(db, (ctx: { path: string; status: number }) => isSerializedPath(ctx.path)));
}
