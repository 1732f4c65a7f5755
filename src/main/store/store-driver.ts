import type { Driver } from 'kysely';
import type { UnitOfWork } from './unit-of-work';

/**
 * What the store asks of a database driver beyond Kysely's: units of work
 * (one transaction per async call tree, see {@link UnitOfWork}). Every
 * driver behind `openStore` implements it, so the stores above never know
 * which database they talk to.
 */
export interface StoreDriver extends Driver {
  /** Runs `fn` as one transaction; a unit inside a unit joins it. */
  unitOfWork<T>(fn: () => Promise<T>, keep?: (result: T) => boolean): Promise<T>;
  /** The unit of work the caller runs in, if any. */
  currentUnit(): UnitOfWork | undefined;
}
