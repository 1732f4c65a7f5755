/**
 * The last `capacity` ids seen, to skip what was already shown or sent:
 * events reach a live view from this instance and, a little later, from
 * the others, so "newer than the last one" would drop the late ones.
 */
export class RecentIds {
  readonly #ids = new Set<number>();
  readonly #capacity: number;
  #highest = 0;

  constructor(capacity = 10_000) {
    this.#capacity = capacity;
  }

  /** The highest id seen so far (0 before any). */
  get highest(): number {
    return this.#highest;
  }

  has(id: number): boolean {
    return this.#ids.has(id);
  }

  /** Remembers `id`; false when it was already remembered. */
  add(id: number): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (id > this.#highest) this.#highest = id;
    if (this.#ids.size > this.#capacity) this.#ids.delete(this.#ids.values().next().value as number);
    return true;
  }
}
