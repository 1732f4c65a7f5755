import type Koa from 'koa';
import type Provider from 'oidc-provider';
import { isLoopbackHost } from '../../shared/redirect-uris';
import { isAtOrUnder, onlyFor } from '../http/pass-by';
import { ROUTES } from './routes';

/** How long a browser may reuse a preflight answer, seconds (the engine's own CORS uses the same). */
const MAX_AGE = '3600';
/** The request headers a registering browser client sends: JSON, and an initial access token when the policy asks for one. */
const ALLOWED_HEADERS = new Set(['content-type', 'authorization']);

/** An origin served from this machine: `http(s)://localhost|127.0.0.1|[::1][:port]` (the MCP Inspector is `http://localhost:6274`). */
export function isLoopbackOrigin(origin: string): boolean {
  const url = URL.parse(origin);
  return !!url && (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin && isLoopbackHost(url.hostname);
}

/**
 * CORS for dynamic registration, which the engine serves without any (its
 * CORS is per client, and a registering client is not known yet). A
 * browser-based MCP client such as the MCP Inspector registers itself from
 * its page, so pages on a loopback origin may: the preflight (`OPTIONS`,
 * methods `POST`/`GET`, headers `Content-Type` and `Authorization`) is
 * answered here, and the answer to the request itself, the registration
 * gate's refusals included, carries `Access-Control-Allow-Origin`. Other
 * origins get no CORS headers, so browsers keep a web page elsewhere from
 * registering clients on this server; tools outside a browser are not
 * affected by CORS at all. Installed before the registration gate.
 */
export function installRegistrationCors(provider: Provider): void {
  provider.use(onlyFor((ctx: Koa.Context) => isAtOrUnder(ctx.path, ROUTES.registration), async (ctx, next) => {
    const origin = ctx.get('origin');
    if (!origin || !isLoopbackOrigin(origin)) return next();
    ctx.vary('Origin');
    if (ctx.method === 'OPTIONS' && ctx.get('access-control-request-method')) {
      const asked = ctx.get('access-control-request-headers').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
      ctx.set('Access-Control-Allow-Origin', origin);
      ctx.set('Access-Control-Allow-Methods', 'POST, GET');
      ctx.set('Access-Control-Allow-Headers', asked.filter((h) => ALLOWED_HEADERS.has(h)).join(', ') || 'content-type');
      ctx.set('Access-Control-Max-Age', MAX_AGE);
      ctx.status = 204;
      return;
    }
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    await next();
  }));
}
