import type { WebhookSecrets } from './webhook-secrets';

/** What the admin use cases need of the running webhook machinery. */
export interface WebhookRuntime {
  secrets: WebhookSecrets;
  /** Attempts a new delivery gets (the retry schedule's length plus one). */
  attemptLimit: number;
  /** Asks the worker to look for due deliveries now (after a redelivery or a test event commits). */
  wake(): void;
  /** The catcher's URL for an inbox id, on this server. */
  inboxUrl(inboxId: string): string;
}
