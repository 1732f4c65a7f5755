import type { Middleware } from 'koa';
import { loadedOnFirstUse, onlyFor } from '../http/pass-by';

/**
 * A route whose code is loaded on its first request, not at start: the MCP
 * routes pull in the MCP SDK (about a quarter of a second of CPU to load),
 * which a server that never serves `/mcp` or `/admin/mcp` does not need
 * (cold start, resident memory). Other paths pass by without loading it.
 */
export function lazyRoute(path: string, load: () => Promise<Middleware>): Middleware {
  return onlyFor((ctx) => ctx.path === path, loadedOnFirstUse(load));
}
