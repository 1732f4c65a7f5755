import { unitOfWork, type Db } from '../store/database';
import { serializeOn } from '../store/serialize-on';
import { activeSigningKeyIds, pruneRetiredSigningKeys, retireSigningKeys } from '../store/signing-keys-store';
import { createSigningKey, SIGNING_ALGS } from './signing-keys';

/** Retired keys kept per algorithm (newest first), so tokens signed before recent rotations still verify. */
export const RETIRED_KEYS_KEPT = 3;

/**
 * Creates a new key per algorithm and retires the previous active ones. The
 * engine reads keys at construction, so the caller rebuilds it afterwards
 * (see `RunningServer.rotateSigningKeys`). Returns the new active key ids.
 *
 * One unit of work (the caller's, or its own), and one rotation at a time
 * (`serializeOn`): two rotations at once on PostgreSQL would each retire
 * only the keys active before both, leaving two active keys per algorithm.
 */
export function rotateSigningKeyRows(db: Db, masterKey: Buffer): Promise<string[]> {
  return unitOfWork(db, async () => {
    await serializeOn(db, 'signing-key-rotation');
    const previous = await activeSigningKeyIds(db);
    const kids: string[] = [];
    for (const alg of SIGNING_ALGS) kids.push(await createSigningKey(db, masterKey, alg));
    await retireSigningKeys(db, previous);
    for (const alg of SIGNING_ALGS) await pruneRetiredSigningKeys(db, alg, RETIRED_KEYS_KEPT);
    return kids;
  });
}
