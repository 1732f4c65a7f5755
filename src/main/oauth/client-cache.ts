import type { AdapterPayload } from 'oidc-provider';
import type { StoreCaches } from '../store/caches';

/**
 * Client metadata remembered between requests (the store's `client` cache,
 * see store/caches.ts): every authenticated call reads its client, which
 * otherwise costs three queries. Writes to the apps tables forget it (the
 * store's cache invalidation plugin), and so do the writers that call
 * `invalidate` (the admin service, dynamic registration); the 5 s lifetime
 * only bounds what a change made outside this process could leave stale
 * when no change feed says so.
 */
export class ClientCache {
  readonly #caches: StoreCaches;

  constructor(caches: StoreCaches) {
    this.#caches = caches;
  }

  /** The remembered metadata; `null` when nothing fresh is remembered (undefined means "no such client"). */
  get(id: string): AdapterPayload | undefined | null {
    const remembered = this.#caches.clients.get(id);
    return remembered ? (remembered.value as AdapterPayload | undefined) : null;
  }

  /** Taken before reading the store; pass it to `set`. */
  ticket(): number {
    return this.#caches.clients.ticket();
  }

  /**
   * Remembers what a read found, unless an invalidation happened since its
   * `ticket` was taken: a secret rotated while the read was in flight must
   * not come back as the remembered, still-accepted one.
   */
  set(id: string, payload: AdapterPayload | undefined, ticket: number): void {
    this.#caches.clients.set(id, payload, ticket);
  }

  /** Forgets one client, or all of them (a workspace removal cascades to its apps), now and when the caller's unit ends. */
  invalidate(id?: string): void {
    this.#caches.changed('client', id);
  }
}
