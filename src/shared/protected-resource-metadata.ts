/**
 * RFC 9728 protected resource metadata: the document a resource server
 * serves so that clients (MCP clients first of all) find the authorization
 * server that issues its tokens and the scopes it understands. Pure, so the
 * server's own documents and the snippet the console offers for your own
 * resource servers are the very same JSON.
 */

export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported: string[];
  bearer_methods_supported: string[];
  resource_name: string;
}

/** What the document is made of: a resource server's identifier, name and scopes. */
export interface ProtectedResourceShape {
  identifier: string;
  name: string;
  scopes: readonly string[];
  customScopes: ReadonlyArray<{ name: string }>;
}

export function protectedResourceMetadata(resource: ProtectedResourceShape, issuer: string): ProtectedResourceMetadata {
  return {
    resource: resource.identifier,
    authorization_servers: [issuer],
    scopes_supported: [...resource.scopes, ...resource.customScopes.map((s) => s.name)],
    bearer_methods_supported: ['header'],
    resource_name: resource.name,
  };
}

/**
 * Where RFC 9728 §3.1 puts the document of a resource: the well-known path
 * inserted between the host and the resource's path
 * (`https://api.example.com/v1` → `https://api.example.com/.well-known/oauth-protected-resource/v1`).
 */
export function protectedResourceMetadataUrl(identifier: string): string {
  const url = new URL(identifier);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${PROTECTED_RESOURCE_WELL_KNOWN}${path}${url.search}`;
}
