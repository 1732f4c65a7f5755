/**
 * How long to wait after each failed attempt (Standard Webhooks' and Svix's
 * schedule): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, so 8 attempts over
 * about 28 hours. The number of delays plus one is the attempt limit.
 */
export const DEFAULT_RETRY_DELAYS_MS = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];

/** Jitter: each delay varies by up to this fraction either way, so retries of many deliveries spread out. */
const JITTER = 0.2;

/**
 * When to try again after failed attempt number `attempt` (1-based), or null
 * when the delivery has used its attempts.
 */
export function nextAttemptDelay(attempt: number, attemptLimit: number, delays: readonly number[], random: () => number = Math.random): number | null {
  if (attempt >= attemptLimit || delays.length === 0) return null;
  const base = delays[Math.min(attempt - 1, delays.length - 1)]!;
  return Math.max(0, Math.round(base * (1 + JITTER * (2 * random() - 1))));
}
