import { tryJobLock, type Job } from './advisory-locks';
import { unitOfWork, type Db } from './database';
import { deleteEventsBefore } from './events-store';

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

const DAY_MS = 86_400_000;

/** Deletes activity events older than the retention (days); returns how many went. */
export function sweepActivity(db: Db, retentionDays: number, now = Date.now()): Promise<number> {
  return deleteEventsBefore(db, now - retentionDays * DAY_MS);
}

export interface SweeperOptions {
  /** The activity log's retention in days, read at each sweep (a settings change applies at the next). */
  activityRetentionDays?: () => number;
  intervalMs?: number;
}

/**
 * Runs `job` as one unit of work under its advisory lock, or not at all
 * when another instance on the database holds the lock (it is doing the
 * same job now): deleting the same rows twice at once would only make the
 * two wait on each other's row locks. Undefined when skipped.
 */
export function onceAcrossInstances<T>(db: Db, lock: Job, job: () => Promise<T>): Promise<T | undefined> {
  return unitOfWork(db, async () => ((await tryJobLock(db, lock)) ? job() : undefined));
}

/** Runs the sweep now and then every `intervalMs`, once across instances; returns a stop function. */
export function startSweeper(db: Db, options: SweeperOptions = {}): () => void {
  const { activityRetentionDays, intervalMs = 10 * 60_000 } = options;
  const run = () => {
    void onceAcrossInstances(db, 'sweepExpired', () => sweepExpired(db)).catch(() => undefined);
    if (activityRetentionDays) void onceAcrossInstances(db, 'activityRetention', () => sweepActivity(db, activityRetentionDays())).catch(() => undefined);
  };
  run();
  const timer = setInterval(run, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
