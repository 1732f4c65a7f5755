import type { Middleware } from 'koa';

/**
 * A route whose code is loaded on its first request, not at start: the MCP
 * routes pull in the MCP SDK (about a quarter of a second of CPU to load),
 * which a server that never serves `/mcp` or `/admin/mcp` does not need
 * (cold start, resident memory). Other paths pass by without loading it.
 */
export function lazyRoute(path: string, load: () => Promise<Middleware>): Middleware {
  let loading: Promise<Middleware> | undefined;
  const serve: Middleware = async (ctx, next) => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return (await loading)(ctx, next);
  };
  // Not async itself: every other request passes by without a promise of its own.
  return (ctx, next) => (ctx.path === path ? serve(ctx, next) : next());
}
