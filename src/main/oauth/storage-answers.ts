import type Provider from 'oidc-provider';
import { errors, type Adapter, type KoaContextWithOIDC } from 'oidc-provider';
import { STORAGE_RETRY_AFTER_SECONDS, isStorageFull, temporarilyUnavailableBody } from '../store/storage-health';
import { errorPage } from '../http/html';

/**
 * RFC 6749's `temporarily_unavailable` (§4.1.2.1), raised where a write
 * failed for lack of disk space. It is an exposed engine error, so the
 * engine answers it itself: JSON 503 at the token, registration and other
 * endpoints, an error redirect to a verified redirect URI at the
 * authorization endpoint (a 503 cannot travel in a redirect), else its page.
 */
export class TemporarilyUnavailable extends errors.OIDCProviderError {
  constructor(cause: unknown) {
    super(503, 'temporarily_unavailable', { cause });
    this.expose = true;
    this.error_description = temporarilyUnavailableBody().error_description;
  }
}

type AdapterFactory = (name: string) => Adapter;

/** Wraps the engine's adapters so a full disk surfaces as `TemporarilyUnavailable`, not a 500. */
export function storageAwareAdapters(factory: AdapterFactory): AdapterFactory {
  const wrapped = new WeakMap<Adapter, Adapter>();
  const rethrow = (err: unknown): never => {
    throw isStorageFull(err) && !(err instanceof TemporarilyUnavailable) ? new TemporarilyUnavailable(err) : err;
  };
  return (name) => {
    const adapter = factory(name);
    let proxy = wrapped.get(adapter);
    if (!proxy) {
      const methods = new Map<PropertyKey, unknown>();
      proxy = new Proxy(adapter, {
        get(target, prop, receiver) {
          const value: unknown = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function') return value;
          let method = methods.get(prop);
          if (!method) {
            method = (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch(rethrow);
            methods.set(prop, method);
          }
          return method;
        },
      });
      wrapped.set(adapter, proxy);
    }
    return proxy;
  };
}

/**
 * The outermost engine middleware: a storage failure that escapes the
 * engine's own error handling (a commit after the response was built)
 * becomes the same answer, and every 503 says when to retry.
 */
export function installStorageAnswers(provider: Provider): void {
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    try {
      await next();
    } catch (err) {
      if (!isStorageFull(err)) throw err;
      const redirect = authorizationErrorRedirect(ctx);
      if (redirect) {
        // The answer built was a redirect into the flow, but its state could not be stored: tell the
        // app as the engine does for an error it meets itself (RFC 6749 §4.1.2.1), in place of a page.
        ctx.body = null;
        ctx.status = 303;
        ctx.redirect(redirect);
        return;
      }
      answerStorageFull(ctx, ctx.accepts('json', 'html') === 'html');
    }
    // A 503 that already says when (a simulated one) keeps its own Retry-After.
    if (ctx.status === 503 && !ctx.response.get('Retry-After')) ctx.set('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
  });
}

/**
 * The answer while the disk is full: 503 `temporarily_unavailable` with
 * `Retry-After`, as the error page for a browser page, else as RFC 6749 JSON.
 */
export function answerStorageFull(ctx: { status: number; type: string; body: unknown; set(field: string, value: string): void }, asPage: boolean): void {
  const body = temporarilyUnavailableBody();
  ctx.status = 503;
  ctx.set('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
  if (asPage) {
    ctx.type = 'html';
    ctx.body = errorPage(body.error, body.error_description);
  } else {
    ctx.body = body;
  }
}

/** For an authorization request of a known client and a registered redirect URI, where its error goes. */
function authorizationErrorRedirect(ctx: KoaContextWithOIDC): string | undefined {
  const oidc = ctx.oidc as KoaContextWithOIDC['oidc'] | undefined;
  if (!oidc || (oidc.route !== 'authorization' && oidc.route !== 'resume')) return undefined;
  const redirectUri = oidc.params?.redirect_uri;
  if (!oidc.client || typeof redirectUri !== 'string' || !oidc.client.redirectUriAllowed(redirectUri)) return undefined;
  const url = new URL(redirectUri);
  url.searchParams.set('error', 'temporarily_unavailable');
  url.searchParams.set('error_description', temporarilyUnavailableBody().error_description);
  if (typeof oidc.params?.state === 'string') url.searchParams.set('state', oidc.params.state);
  url.searchParams.set('iss', oidc.provider.issuer);
  return url.toString();
}
