import { publishChange } from './change-feed';
import type { Db } from './database';
import type { Database } from './schema';

export type SigningKeyRow = Database['signing_keys'];

/** Stores a new key pair (its private JWK already encrypted) as the active key of its algorithm. */
export async function insertSigningKey(db: Db, row: Pick<SigningKeyRow, 'kid' | 'alg' | 'public_jwk' | 'private_jwk_enc'>): Promise<void> {
  await db
    .insertInto('signing_keys')
    .values({ ...row, status: 'active', created_at: Date.now() })
    .execute();
  publishChange(db, { kind: 'keys' });
}

export async function hasActiveSigningKey(db: Db, alg: string): Promise<boolean> {
  return (await db.selectFrom('signing_keys').select('kid').where('alg', '=', alg).where('status', '=', 'active').executeTakeFirst()) !== undefined;
}

export async function activeSigningKeyIds(db: Db): Promise<string[]> {
  return (await db.selectFrom('signing_keys').select('kid').where('status', '=', 'active').execute()).map((r) => r.kid);
}

/** Every key, active first, newest first within a status (the engine signs with the first of an algorithm). */
export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('status', 'asc').orderBy('created_at', 'desc').execute();
}

export async function retireSigningKeys(db: Db, kids: string[]): Promise<void> {
  if (kids.length === 0) return;
  await db.updateTable('signing_keys').set({ status: 'retired' }).where('kid', 'in', kids).execute();
  publishChange(db, { kind: 'keys' });
}

/** Deletes the retired keys of `alg` beyond the newest `keep`. */
export async function pruneRetiredSigningKeys(db: Db, alg: string, keep: number): Promise<void> {
  const stale = await db
    .selectFrom('signing_keys')
    .select('kid')
    .where('alg', '=', alg)
    .where('status', '=', 'retired')
    .orderBy('created_at', 'desc')
    .offset(keep)
    .limit(1000)
    .execute();
  if (stale.length > 0) await db.deleteFrom('signing_keys').where('kid', 'in', stale.map((s) => s.kid)).execute();
}
