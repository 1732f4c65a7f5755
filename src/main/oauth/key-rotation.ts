import type { Db } from '../store/database';
import { createSigningKey, SIGNING_ALGS } from './signing-keys';

/** Retired keys kept per algorithm (newest first), so tokens signed before recent rotations still verify. */
export const RETIRED_KEYS_KEPT = 3;

/**
 * Creates a new key per algorithm and retires the previous active ones. The
 * engine reads keys at construction, so the caller rebuilds it afterwards
 * (see `RunningServer.rotateSigningKeys`). Returns the new active key ids.
 */
export async function rotateSigningKeyRows(db: Db, masterKey: Buffer): Promise<string[]> {
  const previous = await db.selectFrom('signing_keys').select('kid').where('status', '=', 'active').execute();
  const kids: string[] = [];
  for (const alg of SIGNING_ALGS) kids.push(await createSigningKey(db, masterKey, alg));
  if (previous.length > 0) {
    await db.updateTable('signing_keys').set({ status: 'retired' }).where('kid', 'in', previous.map((p) => p.kid)).execute();
  }
  for (const alg of SIGNING_ALGS) {
    const stale = await db
      .selectFrom('signing_keys')
      .select('kid')
      .where('alg', '=', alg)
      .where('status', '=', 'retired')
      .orderBy('created_at', 'desc')
      .offset(RETIRED_KEYS_KEPT)
      .limit(1000)
      .execute();
    if (stale.length > 0) await db.deleteFrom('signing_keys').where('kid', 'in', stale.map((s) => s.kid)).execute();
  }
  return kids;
}
