/** Koa's `next`. */
type Next = () => Promise<unknown>;

/**
 * Middleware for the requests `applies` to; every other request goes straight
 * on to `next`. The wrapper is not async itself, so a request that passes by
 * makes no promise of its own (with async hooks on, each promise costs, and
 * most middlewares in front of the engine and our routes concern a path or two).
 */
export function onlyFor<C>(applies: (ctx: C) => boolean, middleware: (ctx: C, next: Next) => unknown): (ctx: C, next: Next) => unknown {
  return (ctx, next) => (applies(ctx) ? middleware(ctx, next) : next());
}

/** Whether `path` is `base` itself or a path under it (`base/…`). */
export function isAtOrUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/**
 * A middleware whose code is loaded by its first request, not at start; a
 * failed load is tried again by the next request.
 */
export function loadedOnFirstUse<C>(load: () => Promise<(ctx: C, next: Next) => unknown>): (ctx: C, next: Next) => Promise<unknown> {
  let loading: Promise<(ctx: C, next: Next) => unknown> | undefined;
  return async (ctx, next) => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return (await loading)(ctx, next);
  };
}
