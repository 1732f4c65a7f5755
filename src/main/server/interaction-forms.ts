import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Context, Middleware } from 'koa';
import { isLoopbackAddress } from '../http/host-policy';
import { tooManyRequests } from '../http/rate-limits';
import type { RouteContext } from './route-context';

/** The posted form fields (parsed by the body parser; empty when none). */
export function formBody(ctx: Context): Record<string, unknown> {
  return (ctx.request as { body?: Record<string, unknown> }).body ?? {};
}

/** Sign-in and consent posts are rate-limited per address (loopback counts apart). */
export function limitFormPosts(rateLimits: RouteContext['rateLimits']): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST') return next();
    const address = ctx.req.socket.remoteAddress ?? 'unknown';
    const verdict = await rateLimits.consume('signInPosts', address, isLoopbackAddress(address));
    if (verdict) {
      ctx.set(tooManyRequests(verdict).headers);
      ctx.throw(429, `Too many sign-in attempts from this address; try again in ${verdict.retryAfter} s.`);
    }
    await next();
  };
}

/** The forms' CSRF protection: a token bound to the interaction (HMAC of its uid), and the post's origin. */
export interface FormGuard {
  /** The hidden field's value for the interaction `uid`. */
  tokenFor(uid: string): string;
  /**
   * A form post must come from our own page: its Origin must be the issuer's
   * (a missing or `null` Origin is refused like a foreign one; the pages'
   * `Referrer-Policy: same-origin` makes browsers send it), a browser's
   * `Sec-Fetch-Site`, when sent, must say `same-origin`, and the CSRF field
   * must match the interaction.
   */
  accepts(ctx: Context, uid: string): boolean;
}

export function createFormGuard(issuer: string, csrfKey: Buffer): FormGuard {
  const issuerOrigin = new URL(issuer).origin;
  const tokenFor = (uid: string) => createHmac('sha256', csrfKey).update(uid).digest('base64url');
  return {
    tokenFor,
    accepts(ctx, uid) {
      if (ctx.get('origin') !== issuerOrigin) return false;
      const site = ctx.get('sec-fetch-site');
      if (site && site !== 'same-origin') return false;
      const body = formBody(ctx);
      const sent = typeof body.csrf === 'string' ? Buffer.from(body.csrf) : Buffer.alloc(0);
      const expected = Buffer.from(tokenFor(uid));
      return sent.length === expected.length && timingSafeEqual(sent, expected);
    },
  };
}
