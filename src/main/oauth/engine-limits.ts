import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { tooLargeBody } from '../http/body-limit';
import { isLoopbackAddress } from '../http/host-policy';
import { tooManyRequests, type RateLimits, type RateLimitVerdict } from '../http/rate-limits';
import { ROUTES } from './routes';

/** The engine reads at most 56 KB of a body (oidc-provider's own fixed limit in lib/shared/selective_body.js). */
export const ENGINE_BODY_LIMIT = 56 * 1024;

/** The client a token request names in HTTP Basic (client_secret_basic), if any. */
export function basicClientId(ctx: Pick<KoaContextWithOIDC, 'get'>): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(ctx.get('authorization'));
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  try {
    return decodeURIComponent(decoded.slice(0, colon)).slice(0, 200);
  } catch {
    return undefined;
  }
}

/**
 * A body sent without Content-Length (chunked) is only found too large while
 * the engine reads it: it stops reading and answers 400 "failed to parse the
 * request body". A body left unread to its end is the too-large one; say 413.
 */
async function answerTooLarge(ctx: KoaContextWithOIDC, next: () => Promise<unknown>): Promise<void> {
  await next();
  const body = ctx.body as { error_description?: string } | undefined;
  if (ctx.status === 400 && body?.error_description === 'failed to parse the request body' && !ctx.req.readableEnded) {
    ctx.status = 413;
    ctx.set('Connection', 'close');
    ctx.body = tooLargeBody(ENGINE_BODY_LIMIT);
  }
}

function refuse(ctx: KoaContextWithOIDC, verdict: RateLimitVerdict): void {
  const answer = tooManyRequests(verdict);
  ctx.status = 429;
  ctx.set(answer.headers);
  ctx.body = answer.body;
}

/**
 * In front of the engine's routes: a body over the engine's limit is a 413
 * (the engine itself would call it a parse error), and the token and
 * registration endpoints are rate-limited. Token requests are keyed by the
 * client named in Basic auth (else none) and the peer address, so a stranger
 * cannot lock a client out from elsewhere; a failed token request (4xx)
 * counts against the failure budget.
 */
export function installEngineLimits(provider: Provider, limits: RateLimits): void {
  provider.use(async (ctx, next) => {
    const oidcCtx = ctx as KoaContextWithOIDC;
    const length = Number(ctx.get('content-length') || 0);
    if (length > ENGINE_BODY_LIMIT) {
      ctx.status = 413;
      ctx.set('Connection', 'close');
      ctx.body = tooLargeBody(ENGINE_BODY_LIMIT);
      return;
    }
    if (ctx.method !== 'POST' || (ctx.path !== ROUTES.token && ctx.path !== ROUTES.registration)) return answerTooLarge(oidcCtx, next);
    const address = ctx.req.socket.remoteAddress ?? 'unknown';
    const loopback = isLoopbackAddress(address);
    if (ctx.path === ROUTES.registration) {
      const verdict = await limits.consume('registrations', address, loopback);
      return verdict ? refuse(oidcCtx, verdict) : answerTooLarge(oidcCtx, next);
    }
    const key = `${basicClientId(oidcCtx) ?? '-'}@${address}`;
    const verdict = (await limits.spent('tokenFailures', key, loopback)) ?? (await limits.consume('tokenRequests', key, loopback));
    if (verdict) return refuse(oidcCtx, verdict);
    await answerTooLarge(oidcCtx, next);
    if (ctx.status >= 400 && ctx.status < 500) await limits.fail('tokenFailures', key, loopback);
  });
}
