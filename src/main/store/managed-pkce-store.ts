import type { Db } from './database';

/** A PKCE challenge the server made for a managed app: the nonce its verifier derives from (never the verifier). */
export async function insertManagedPkce(db: Db, row: { challenge: string; clientId: string; nonce: string; expiresAt: number }): Promise<void> {
  await db
    .insertInto('managed_pkce')
    .values({ challenge: row.challenge, client_id: row.clientId, nonce: row.nonce, created_at: Date.now(), expires_at: row.expiresAt })
    .execute();
}

/** The nonce of a live challenge the server made for `clientId`, if any. */
export async function managedPkceNonce(db: Db, challenge: string, clientId: string, now = Date.now()): Promise<string | undefined> {
  const row = await db.selectFrom('managed_pkce').select('nonce').where('challenge', '=', challenge).where('client_id', '=', clientId).where('expires_at', '>', now).executeTakeFirst();
  return row?.nonce;
}
