import type { Middleware } from 'koa';

/**
 * A route whose code is loaded on its first request, not at start: the MCP
 * routes pull in the MCP SDK (about a quarter of a second of CPU to load),
 * which a server that never serves `/mcp` or `/admin/mcp` does not need
 * (cold start, resident memory). Other paths pass by without loading it.
 */
export function lazyRoute(path: string, load: () => Promise<Middleware>): Middleware {
  let loading: Promise<Middleware> | undefined;
  return async (ctx, next) => {
    if (ctx.path !== path) return next();
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return (await loading)(ctx, next);
  };
}
