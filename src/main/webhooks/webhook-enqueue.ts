import { webhookPayloadFor } from '../../shared/webhooks';
import type { Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import { enqueueDeliveries, retireAppEndpoints } from '../store/webhook-deliveries-store';

/**
 * Turns activity events into webhook deliveries in the events' own
 * transaction (see `ActivityLog.onWritten`): a consent, a revocation or an
 * app change that commits has its deliveries queued, durably, and one that
 * rolls back has none. An app's deletion is its endpoints' last event: they
 * are retired in the same step, after its deliveries are queued.
 */
export function enqueueWebhooksOf(activity: ActivityLog, db: Db, attemptLimit: () => number, onQueued: () => void): void {
  activity.onWritten(async (events, run) => {
    let queued = 0;
    for (const event of events) {
      const payload = webhookPayloadFor(event);
      if (!payload || !event.clientId) continue;
      queued += await enqueueDeliveries(db, run, { appId: event.clientId, type: payload.type, eventId: event.id, payload: JSON.stringify(payload), at: event.at, attemptLimit: attemptLimit() });
      if (payload.type === 'app.deleted') await retireAppEndpoints(db, run, event.clientId, event.at);
    }
    // The worker's look is a query outside this transaction: it waits for the commit, and after a
    // rollback it finds nothing.
    if (queued > 0) setImmediate(onQueued);
  });
}
