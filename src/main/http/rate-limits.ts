import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimitSettings } from '../../shared/settings';
import type { ActivityLog } from '../store/events-store';

/** The limited budgets, each counted per minute and per key. */
export type RateLimitName = 'tokenRequests' | 'tokenFailures' | 'registrations' | 'signInPosts' | 'adminFailures';

const SETTING: Record<RateLimitName, keyof RateLimitSettings> = {
  tokenRequests: 'tokenRequestsPerMinute',
  tokenFailures: 'tokenFailuresPerMinute',
  registrations: 'registrationsPerMinute',
  signInPosts: 'signInPostsPerMinute',
  adminFailures: 'adminFailuresPerMinute',
};

/** Budgets that count every request; loopback peers are exempt from them (local tools, tests, the benchmark). */
const REQUEST_BUDGETS = new Set<RateLimitName>(['tokenRequests', 'registrations', 'signInPosts']);

export interface RateLimitVerdict {
  /** Seconds until the key may try again. */
  retryAfter: number;
}

/**
 * Rate limits (rate-limiter-flexible's memory store), read from the
 * settings on every call so a change applies at once. A budget of 0, or
 * `rateLimitsEnabled: false`, turns a limit off. Request budgets skip
 * loopback peers unless the server sits behind a proxy (`--public-url`),
 * where every peer is the proxy; failure budgets count everyone. The first
 * refusal of a key in a window is recorded in the activity log, the rest of
 * that episode is not.
 */
export class RateLimits {
  readonly #limiters = new Map<RateLimitName, { points: number; limiter: RateLimiterMemory }>();
  readonly #reported = new Map<string, number>();

  constructor(
    private readonly settings: () => RateLimitSettings,
    private readonly activity: ActivityLog,
    private readonly exemptLoopback: boolean,
  ) {}

  #limiter(name: RateLimitName, loopbackPeer: boolean): { points: number; limiter: RateLimiterMemory } | undefined {
    const current = this.settings();
    const points = current[SETTING[name]] as number;
    if (!current.rateLimitsEnabled || points === 0) return undefined;
    if (loopbackPeer && this.exemptLoopback && REQUEST_BUDGETS.has(name)) return undefined;
    let entry = this.#limiters.get(name);
    if (!entry || entry.points !== points) {
      entry = { points, limiter: new RateLimiterMemory({ points, duration: 60, keyPrefix: name }) };
      this.#limiters.set(name, entry);
    }
    return entry;
  }

  #refused(name: RateLimitName, key: string, res: RateLimiterRes): RateLimitVerdict {
    const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    const episode = `${name}:${key}`;
    const until = this.#reported.get(episode);
    if (until === undefined || until <= Date.now()) {
      this.#reported.set(episode, Date.now() + res.msBeforeNext);
      for (const [k, end] of this.#reported) if (end <= Date.now()) this.#reported.delete(k);
      this.activity.record({ type: 'rate_limit.hit', level: 'warn', detail: { limit: name, key, perMinute: this.#limiters.get(name)?.points, retryAfter } });
    }
    return { retryAfter };
  }

  /** Counts one request against a budget; a verdict when the key is over it. */
  async consume(name: RateLimitName, key: string, loopbackPeer: boolean): Promise<RateLimitVerdict | undefined> {
    const entry = this.#limiter(name, loopbackPeer);
    if (!entry) return undefined;
    try {
      await entry.limiter.consume(key);
      return undefined;
    } catch (err) {
      if (err instanceof RateLimiterRes) return this.#refused(name, key, err);
      throw err;
    }
  }

  /** Whether a failure budget is already spent for the key (checked before the request runs). */
  async spent(name: RateLimitName, key: string, loopbackPeer: boolean): Promise<RateLimitVerdict | undefined> {
    const entry = this.#limiter(name, loopbackPeer);
    const res = entry && (await entry.limiter.get(key));
    if (!entry || !res || res.consumedPoints < entry.points) return undefined;
    return this.#refused(name, key, res);
  }

  /** Counts one failure (after the answer); the next request of the key sees the spent budget. */
  async fail(name: RateLimitName, key: string, loopbackPeer: boolean): Promise<void> {
    const entry = this.#limiter(name, loopbackPeer);
    if (entry) await entry.limiter.penalty(key);
  }
}

/** The RFC 6749-shaped body and headers of a 429. */
export function tooManyRequests(verdict: RateLimitVerdict): { headers: Record<string, string>; body: { error: string; error_description: string } } {
  return {
    headers: { 'Retry-After': String(verdict.retryAfter), 'Cache-Control': 'no-store' },
    body: { error: 'too_many_requests', error_description: `too many requests; retry after ${verdict.retryAfter} s` },
  };
}
