import type { AppLifetimes } from '../../shared/contract/apps';

type ClientLike = object | undefined;

/**
 * The app's override of one lifetime, from its client metadata (`lifetimes`, see client-adapter.ts).
 * An extra metadata field sits on the engine's client under its own name; `metadata()` would copy
 * every field, snake-casing each name, on every token issued (about 4% of a client-credentials token).
 */
function override(client: ClientLike, which: keyof AppLifetimes): number | undefined {
  const lifetimes = (client as { lifetimes?: Partial<AppLifetimes> } | undefined)?.lifetimes;
  const value = lifetimes?.[which];
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/**
 * Wraps one of the engine's `ttl` functions so an app's lifetime override
 * (for expiry testing: a 24-hour token made to live 30 s) comes first. For
 * access tokens the order is: the app's override, then the resource
 * server's lifetime, then the server setting; for the others the app's
 * override, then the setting.
 */
export function withAppLifetime<C, T, K extends ClientLike>(which: keyof AppLifetimes, fallback: (ctx: C, token: T, client: K) => number): (ctx: C, token: T, client: K) => number {
  return (ctx, token, client) => override(client, which) ?? fallback(ctx, token, client);
}
