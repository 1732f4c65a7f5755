/**
 * Where a browser says a request comes from, for the routes only the
 * issuer's own pages may call from a browser (the admin service, the sample
 * MCP server). Clients outside a browser send no `Origin`; a browser sends
 * it, and `Sec-Fetch-Site`, on every cross-origin call. A DNS-rebinding
 * page carries its own (foreign) origin, so refusing every `Origin` other
 * than the issuer's stops it even where the Host rule would not (the MCP
 * spec's transport security: "Servers MUST validate the Origin header").
 * `Origin: null` (sandboxed frames, file pages, some redirects) is refused too.
 *
 * Returns why the request is refused, or undefined when it may go on.
 */
export function foreignOrigin(issuerOrigin: string, headers: { origin?: string; secFetchSite?: string }): 'origin' | 'site' | undefined {
  if (headers.origin && headers.origin.toLowerCase() !== issuerOrigin.toLowerCase()) return 'origin';
  if (headers.secFetchSite === 'cross-site') return 'site';
  return undefined;
}
