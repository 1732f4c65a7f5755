import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import { decrypt, encrypt } from '../secrets/crypto';
import type { Db } from '../store/database';
import { getRawSetting, setRawSetting } from '../store/settings-store';
import { hasActiveSigningKey, insertSigningKey, listSigningKeys } from '../store/signing-keys-store';

export const SIGNING_ALGS = ['RS256', 'ES256'] as const;

/** Generates one key pair for `alg` and stores it, the private part encrypted. */
export async function createSigningKey(db: Db, masterKey: Buffer, alg: (typeof SIGNING_ALGS)[number]): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' ? { modulusLength: 2048 } : {}) });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg, use: 'sig' };
  await insertSigningKey(db, {
    kid,
    alg,
    public_jwk: JSON.stringify({ ...publicJwk, kid, alg, use: 'sig' }),
    private_jwk_enc: encrypt(masterKey, JSON.stringify(privateJwk)),
  });
  return kid;
}

/**
 * Returns the private JWKS for the engine, generating RS256 and ES256 keys
 * on first run. Active keys come first so the engine signs with them;
 * retired keys stay published for verification.
 */
export async function loadSigningKeys(db: Db, masterKey: Buffer): Promise<JWK[]> {
  for (const alg of SIGNING_ALGS) {
    if (!(await hasActiveSigningKey(db, alg))) await createSigningKey(db, masterKey, alg);
  }
  return readSigningKeys(db, masterKey);
}

/** The stored keys as the engine takes them, making none: what an instance reloads after another rotated them. */
export async function readSigningKeys(db: Db, masterKey: Buffer): Promise<JWK[]> {
  const rows = await listSigningKeys(db);
  return rows.map((row) => {
    try {
      return JSON.parse(decrypt(masterKey, row.private_jwk_enc)) as JWK;
    } catch {
      throw new Error(`signing key ${row.kid} cannot be decrypted: the master key does not match this database`);
    }
  });
}

/** Cookie-signing keys for the engine, stored encrypted as a setting. */
export async function loadCookieKeys(db: Db, masterKey: Buffer): Promise<string[]> {
  const stored = await getRawSetting(db, 'cookie_keys');
  if (stored) {
    try {
      return JSON.parse(decrypt(masterKey, stored)) as string[];
    } catch {
      throw new Error('the cookie keys cannot be decrypted: the master key does not match this database');
    }
  }
  const keys = [randomBytes(32).toString('base64url')];
  await setRawSetting(db, 'cookie_keys', encrypt(masterKey, JSON.stringify(keys)));
  return keys;
}
