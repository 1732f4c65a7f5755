import type { AdapterPayload } from 'oidc-provider';

/**
 * Client metadata remembered between requests: every authenticated call
 * reads its client, which otherwise costs three queries. Writers (the admin
 * service, dynamic registration) invalidate what they change, and the
 * invalidation is announced to the other instances on the database (the
 * change feed), which forget the same entry; the short lifetime bounds what
 * a missed announcement could leave stale.
 */
export class ClientCache {
  readonly #entries = new Map<string, { payload: AdapterPayload | undefined; at: number }>();
  readonly #ttlMs: number;
  readonly #max: number;
  /** Bumped by every invalidation: a read that started before one must not store what it read. */
  #generation = 0;
  #announce: ((id?: string) => void) | undefined;

  constructor(ttlMs = 5_000, max = 1_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** The remembered metadata; `null` when nothing fresh is remembered (undefined means "no such client"). */
  get(id: string): AdapterPayload | undefined | null {
    const entry = this.#entries.get(id);
    if (!entry) return null;
    if (Date.now() - entry.at > this.#ttlMs) {
      this.#entries.delete(id);
      return null;
    }
    return entry.payload;
  }

  /** Taken before reading the store; pass it to `set`. */
  ticket(): number {
    return this.#generation;
  }

  /**
   * Remembers what a read found, unless an invalidation happened since its
   * `ticket` was taken: a secret rotated while the read was in flight must
   * not come back as the remembered, still-accepted one.
   */
  set(id: string, payload: AdapterPayload | undefined, ticket: number): void {
    if (ticket !== this.#generation) return;
    this.#entries.set(id, { payload, at: Date.now() });
    if (this.#entries.size > this.#max) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  /** Forgets one client, or all of them (a workspace removal cascades to its apps), here and on every instance. */
  invalidate(id?: string): void {
    this.forget(id);
    this.#announce?.(id);
  }

  /** Forgets here only: what a change announced by the feed asks for (see `invalidate`). */
  forget(id?: string): void {
    this.#generation++;
    if (id === undefined) this.#entries.clear();
    else this.#entries.delete(id);
  }

  /** Sets how invalidations reach the other instances (the server sets the change feed at start). */
  announceWith(announce: (id?: string) => void): void {
    this.#announce = announce;
  }
}
