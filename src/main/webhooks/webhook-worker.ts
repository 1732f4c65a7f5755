import { randomBytes } from 'node:crypto';
import { unitOfWork, type Db } from '../store/database';
import type { ActivityLog } from '../store/events-store';
import { claimDueDeliveries, finishAttempt, releaseClaim, type ClaimedDelivery } from '../store/webhook-deliveries-store';
import { purgeRetiredWebhookEndpoints } from '../store/webhook-endpoints-store';
import { onceAcrossInstances } from '../store/sweeper';
import { DEFAULT_RETRY_DELAYS_MS, nextAttemptDelay } from './retry-policy';
import { sendWebhook, type WebhookResponse } from './send-webhook';
import type { WebhookSecrets } from './webhook-secrets';

export interface WebhookDeliveryOptions {
  /** Waits after each failed attempt; its length plus one is the attempt limit. */
  retryDelaysMs: number[];
  /** How often the queue is polled for retries that fell due (new deliveries wake the worker at once). */
  pollIntervalMs: number;
  /** Per attempt. */
  timeoutMs: number;
  maxResponseBytes: number;
  /** Deliveries in flight at once (each a different message). */
  concurrency: number;
}

export const DEFAULT_WEBHOOK_OPTIONS: WebhookDeliveryOptions = {
  retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
  pollIntervalMs: 2_000,
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  concurrency: 4,
};

/** Beyond the timeout, how long a claim lasts: a worker that died mid-attempt gives its claim up after this. */
const LEASE_MARGIN_MS = 30_000;
const PURGE_INTERVAL_MS = 10 * 60_000;

interface Deps {
  db: Db;
  secrets: WebhookSecrets;
  activity: ActivityLog;
}

/**
 * Sends the queued webhook deliveries from the server process: wakes when a
 * transaction queued some (see `enqueueWebhooksOf`), and polls for retries
 * that fell due. Each attempt runs under a claim (a lease in the row), so of
 * several workers (two instances on one database, or one that restarted)
 * only one sends a message at a time, and a crashed worker's claim expires;
 * on PostgreSQL the claims are taken with `FOR UPDATE SKIP LOCKED`, so the
 * instances' workers take disjoint deliveries without waiting on each other.
 * State is all in the database: a restart picks up where it stopped.
 */
export class WebhookWorker {
  readonly #deps: Deps;
  readonly #options: WebhookDeliveryOptions;
  readonly #owner = `worker_${randomBytes(9).toString('base64url')}`;
  readonly #abort = new AbortController();
  readonly #inFlight = new Map<string, Promise<void>>();
  #timers: NodeJS.Timeout[] = [];
  #ticking = false;
  #tickRun: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(deps: Deps, options: Partial<WebhookDeliveryOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_WEBHOOK_OPTIONS, ...options };
  }

  get attemptLimit(): number {
    return this.#options.retryDelaysMs.length + 1;
  }

  start(): void {
    const poll = setInterval(() => this.wake(), this.#options.pollIntervalMs);
    const purge = setInterval(() => void onceAcrossInstances(this.#deps.db, 'webhookPurge', () => purgeRetiredWebhookEndpoints(this.#deps.db)).catch(() => undefined), PURGE_INTERVAL_MS);
    poll.unref();
    purge.unref();
    this.#timers = [poll, purge];
    this.wake();
  }

  /** Looks for due deliveries now (coalesced: a wake during a look makes one more look). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    this.#ticking = true;
    this.#tickRun = this.#tick().finally(() => {
      this.#ticking = false;
      if (this.#again) {
        this.#again = false;
        this.wake();
      }
    });
  }

  async #tick(): Promise<void> {
    try {
      const free = this.#options.concurrency - this.#inFlight.size;
      if (free <= 0) return;
      const now = Date.now();
      const claims = await claimDueDeliveries(this.#deps.db, this.#owner, now, this.#options.timeoutMs + LEASE_MARGIN_MS, free, new Set(this.#inFlight.keys()));
      for (const claim of claims) {
        if (this.#stopped) {
          await releaseClaim(this.#deps.db, claim.id, this.#owner).catch(() => undefined);
          continue;
        }
        const run = this.#deliver(claim).finally(() => {
          this.#inFlight.delete(claim.id);
          this.wake();
        });
        this.#inFlight.set(claim.id, run);
      }
    } catch {
      // A failed look (a full disk, the database closing) is retried at the next poll.
    }
  }

  async #deliver(claim: ClaimedDelivery): Promise<void> {
    let response: WebhookResponse;
    try {
      response = await sendWebhook({
        url: claim.url,
        messageId: claim.id,
        payload: claim.payload,
        secret: this.#deps.secrets.open(claim.secretEnc),
        timeoutMs: this.#options.timeoutMs,
        maxResponseBytes: this.#options.maxResponseBytes,
        signal: this.#abort.signal,
      });
    } catch (err) {
      // Only opening the secret throws (a master key that does not match the database's).
      response = { startedAt: Date.now(), durationMs: 0, requestHeaders: {}, status: null, excerpt: null, error: `cannot sign: ${(err as Error).message}` };
    }
    if (this.#stopped) {
      // Stopping aborted the attempt: it does not count, and the next start sends it again.
      await releaseClaim(this.#deps.db, claim.id, this.#owner).catch(() => undefined);
      return;
    }
    await this.#record(claim, response).catch(() => releaseClaim(this.#deps.db, claim.id, this.#owner).catch(() => undefined));
  }

  /** The attempt, the delivery's next state and its activity event: one unit. */
  async #record(claim: ClaimedDelivery, response: WebhookResponse): Promise<void> {
    const ok = response.status !== null && response.status >= 200 && response.status < 300;
    const delay = ok ? null : nextAttemptDelay(claim.attempt, claim.attemptLimit, this.#options.retryDelaysMs);
    const finishedAt = response.startedAt + response.durationMs;
    const nextAttemptAt = delay === null ? null : finishedAt + delay;
    const status = ok ? 'succeeded' : delay === null ? 'failed' : 'pending';
    await unitOfWork(this.#deps.db, async () => {
      const mine = await finishAttempt(
        this.#deps.db,
        this.#owner,
        {
          delivery_id: claim.id,
          attempt: claim.attempt,
          started_at: response.startedAt,
          duration_ms: response.durationMs,
          url: claim.url,
          request_headers: JSON.stringify(response.requestHeaders),
          response_status: response.status,
          response_excerpt: response.excerpt,
          error: response.error,
        },
        { status, nextAttemptAt, lastStatus: response.status, lastError: response.error },
      );
      if (!mine) return;
      const detail = { deliveryId: claim.id, endpointId: claim.endpointId, eventType: claim.eventType, attempt: claim.attempt, status: response.status, durationMs: response.durationMs };
      if (ok) this.#deps.activity.record({ type: 'webhook.delivered', clientId: claim.appId, detail });
      else this.#deps.activity.record({ type: 'webhook.delivery_failed', level: 'warn', clientId: claim.appId, detail: { ...detail, error: response.error, nextAttemptAt } });
    });
  }

  /** Stops polling, aborts attempts in flight (they are not counted) and waits for them to let go. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const timer of this.#timers) clearInterval(timer);
    this.#abort.abort();
    await this.#tickRun;
    await Promise.allSettled([...this.#inFlight.values()]);
  }
}
