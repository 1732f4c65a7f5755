import type { Db } from './database';

/** Short-lived engine models that carry no history worth keeping once expired. */
const TRANSIENT_KINDS = ['Session', 'Interaction', 'ReplayDetection', 'PushedAuthorizationRequest'];

/**
 * Deletes expired transient rows (sessions, interactions, replay records,
 * pushed requests, challenges made for managed PKCE). Codes and tokens stay, so the console can show them as
 * expired. Returns the number of rows removed.
 */
export async function sweepExpired(db: Db, now = Date.now()): Promise<number> {
  const result = await db
    .deleteFrom('oidc_models')
    .where('kind', 'in', TRANSIENT_KINDS)
    .where('expires_at', '<', now)
    .executeTakeFirst();
  const challenges = await db.deleteFrom('managed_pkce').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows) + Number(challenges.numDeletedRows);
}

/** Runs the sweep now and then every `intervalMs`; returns a stop function. */
export function startSweeper(db: Db, intervalMs = 10 * 60_000): () => void {
  const run = () => void sweepExpired(db).catch(() => undefined);
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
