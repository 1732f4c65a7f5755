import type { Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import { enqueueWebhooksOf } from './webhook-enqueue';
import type { WebhookRuntime } from './webhook-runtime';
import { WebhookSecrets } from './webhook-secrets';
import { WebhookWorker, type WebhookDeliveryOptions } from './webhook-worker';

/** The catcher's path on this server (`POST`); the inbox id follows. */
export const INBOX_PATH = '/webhooks/inbox/';

/**
 * Webhooks in the server process: activity events queue their deliveries in
 * their own transaction, and the worker sends them. Returns what the admin
 * use cases need, and the stop step (before the database closes).
 */
export function startWebhooks(parts: { db: Db; activity: ActivityLog; masterKey: Buffer; issuer: string }, options: Partial<WebhookDeliveryOptions> = {}): { runtime: WebhookRuntime; stop(): Promise<void> } {
  const secrets = new WebhookSecrets(parts.masterKey);
  const worker = new WebhookWorker({ db: parts.db, secrets, activity: parts.activity }, options);
  enqueueWebhooksOf(parts.activity, parts.db, () => worker.attemptLimit, () => worker.wake());
  worker.start();
  return {
    runtime: { secrets, attemptLimit: worker.attemptLimit, wake: () => worker.wake(), inboxUrl: (id) => `${parts.issuer}${INBOX_PATH}${id}` },
    stop: () => worker.stop(),
  };
}
