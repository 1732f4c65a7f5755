import type Koa from 'koa';
import { protectedResourceMetadata, PROTECTED_RESOURCE_WELL_KNOWN } from '../../shared/protected-resource-metadata';
import { isAtOrUnder, onlyFor } from '../http/pass-by';
import { listResourceServers } from '../store/resource-servers-store';
import type { RouteContext } from './route-context';

/**
 * RFC 9728 protected resource metadata of this server's own resource
 * servers (the built-in ones), where §3.1 puts it:
 * `/.well-known/oauth-protected-resource/api/v1` for `<issuer>/api/v1`,
 * `/.well-known/oauth-protected-resource/mcp` for `<issuer>/mcp`. Public
 * documents, readable from any origin (browser MCP clients fetch them, with
 * an `MCP-Protocol-Version` header, so a preflight comes first); nothing
 * with credentials is involved, so `*` is safe.
 */
export function protectedResourceRoutes(deps: Pick<RouteContext, 'db' | 'issuer'>): Koa.Middleware {
  return onlyFor((ctx: Koa.Context) => isAtOrUnder(ctx.path, PROTECTED_RESOURCE_WELL_KNOWN), async (ctx) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    // The security headers say same-origin for everything else; these documents are meant to be read across origins.
    ctx.set('Cross-Origin-Resource-Policy', 'cross-origin');
    if (ctx.method === 'OPTIONS') {
      ctx.set('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
      const asked = ctx.get('access-control-request-headers');
      if (asked) ctx.set('Access-Control-Allow-Headers', asked);
      ctx.set('Access-Control-Max-Age', '600');
      ctx.status = 204;
      return;
    }
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD, OPTIONS');
      ctx.status = 405;
      ctx.body = { error: 'invalid_request', error_description: 'Protected resource metadata is read with GET' };
      return;
    }
    const identifier = `${deps.issuer}${ctx.path.slice(PROTECTED_RESOURCE_WELL_KNOWN.length)}`;
    const server = (await listResourceServers(deps.db, deps.issuer)).find((rs) => rs.builtIn && rs.identifier === identifier);
    if (!server) {
      ctx.status = 404;
      ctx.body = { error: 'not_found', error_description: `This server is not the protected resource ${identifier}; its own are ${deps.issuer}/api/v1 and ${deps.issuer}/mcp` };
      return;
    }
    ctx.body = protectedResourceMetadata(server, deps.issuer);
  });
}
