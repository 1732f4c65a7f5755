import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SettingsStore } from '../store/settings-store';

/** What the default needs of a client: its registered `scope` (or `default_scope`, client-adapter.ts) and whether it may refresh. */
interface ScopedClient {
  scope?: string | undefined;
  grantTypeAllowed(type: string): boolean;
  metadata(): Record<string, unknown>;
}

/**
 * The engine's `extraParams.scope` validator: an authorization, pushed or
 * device authorization request that sends no `scope` (the MCP SDK's client
 * sends none when the resource advertises no scopes) asks for the app's
 * registered scope, else the server's `defaultScope` setting.
 *
 * oidc-provider has no "default scope" option. Its documented extension
 * point is `extraParams`: the validators run on every one of those requests,
 * present or not, "to validate presence of custom parameters as well as to
 * assign default values for them", after the engine parsed and checked the
 * request and before the sign-in and consent prompts read `params.scope`.
 * So the consent page shows the filled scopes and the grant, the code and
 * the tokens carry them, exactly as if the client had sent them.
 *
 * The engine's own scope check ran before (on an empty scope), so the value
 * filled in keeps its rules itself: the app's registered scope is its own
 * allow-list; `offline_access` is left out where the engine would drop it
 * (the client may not refresh, or an authorization request whose `prompt`
 * does not include `consent`). Refresh tokens do not depend on it here: an
 * app with the `refresh_token` grant gets them (provider.ts).
 */
export function defaultScope(settings: SettingsStore) {
  return async function scope(ctx: KoaContextWithOIDC, value: string | undefined, client: ScopedClient | undefined): Promise<void> {
    if (value !== undefined || !client) return;
    const params = ctx.oidc.params as Record<string, unknown>;
    // A dynamically registered client may ask for more than it registered (step-up); its default is what it registered.
    const registered = client.metadata().default_scope;
    const source = (typeof registered === 'string' && registered ? registered : undefined) ?? client.scope ?? settings.current.defaultScope;
    const promptAsked = 'prompt' in params;
    const prompts = String(params.prompt ?? '').split(' ');
    const offlineUsable = client.grantTypeAllowed('refresh_token') && (!promptAsked || prompts.includes('consent'));
    const scopes = [...new Set(source.split(/\s+/).filter(Boolean))].filter((name) => name !== 'offline_access' || offlineUsable);
    if (scopes.length) params.scope = scopes.join(' ');
  };
}
