import type { KoaContextWithOIDC } from 'oidc-provider';
import { isLoopbackHost } from '../../shared/redirect-uris';

/** A loopback http URI (a CLI's local listener) or a private-use scheme (`com.example.app:/cb`): where native apps receive codes. */
function nativeRedirect(uri: unknown): boolean {
  const url = typeof uri === 'string' ? URL.parse(uri) : null;
  if (!url) return false;
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname);
  return url.protocol !== 'https:';
}

/**
 * A registration that does not say `application_type` (RFC 7591 defaults it
 * to `web`; the MCP SDK, Claude Code and other CLIs send none) and whose
 * redirect URIs are all loopback http or private-use schemes is a native app
 * (RFC 8252): it becomes `application_type: native`, so its loopback IP
 * redirect URIs match on any port (RFC 8252 section 7.3, loopback-redirects.ts).
 * An explicit `application_type` is kept as sent. Called from the engine's
 * `extraClientMetadata.validator` while a client registers.
 */
export function nativeWhenUnsaid(ctx: KoaContextWithOIDC, metadata: Record<string, unknown>): void {
  const body = (ctx.oidc?.body ?? {}) as Record<string, unknown>;
  if (body.application_type !== undefined) return;
  const uris = metadata.redirect_uris;
  if (Array.isArray(uris) && uris.length > 0 && uris.every(nativeRedirect)) metadata.application_type = 'native';
}
