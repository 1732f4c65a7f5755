import { PREFIX } from '../../shared/prefixes';
import { hashSecret, randomSecret, secretHint } from '../secrets/crypto';
import type { Db } from './database';
import { newId } from './identity-store';
import type { ApiKeyTable } from './schema';

export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  name: string;
  hint: string;
  createdBy: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

function toRecord(row: ApiKeyTable): ApiKeyRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    hint: row.key_hint,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/**
 * Creates a workspace API key; returns the record and the key, which is never
 * stored in plaintext. `input.key` is a value chosen by the caller (a
 * configuration file's known key for CI); else one is generated.
 */
export async function insertApiKey(db: Db, input: { workspaceId: string; name: string; createdBy: string | null; key?: string }): Promise<{ apiKey: ApiKeyRecord; key: string }> {
  const key = input.key ?? randomSecret(PREFIX.apiKey);
  const row: ApiKeyTable = {
    id: newId('key'),
    workspace_id: input.workspaceId,
    name: input.name,
    key_hash: hashSecret(key),
    key_hint: secretHint(key),
    created_by: input.createdBy,
    created_at: Date.now(),
    last_used_at: null,
    revoked_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { apiKey: toRecord(row), key };
}

export async function listApiKeys(db: Db, filter: { workspaceId?: string; includeRevoked: boolean }): Promise<ApiKeyRecord[]> {
  let query = db.selectFrom('api_keys').selectAll();
  if (filter.workspaceId) query = query.where('workspace_id', '=', filter.workspaceId);
  if (!filter.includeRevoked) query = query.where('revoked_at', 'is', null);
  return (await query.orderBy('created_at', 'desc').orderBy('id').execute()).map(toRecord);
}

export async function findApiKey(db: Db, id: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** Marks a key revoked (once); returns the record as it stands. */
export async function revokeApiKey(db: Db, id: string): Promise<ApiKeyRecord | undefined> {
  await db.updateTable('api_keys').set({ revoked_at: Date.now() }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  return findApiKey(db, id);
}

/** The live key a value belongs to, by its hash, without noting a use (a configuration file names it). */
export async function findLiveApiKeyByValue(db: Db, value: string): Promise<ApiKeyRecord | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashSecret(value)).where('revoked_at', 'is', null).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/**
 * Finds the live key a presented value belongs to, by its hash (the unique
 * index makes this one lookup), and notes when it was last used.
 */
export async function authenticateApiKey(db: Db, value: string): Promise<ApiKeyRecord | undefined> {
  if (!value.startsWith(PREFIX.apiKey) || value.length > 200) return undefined;
  const row = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', hashSecret(value)).where('revoked_at', 'is', null).executeTakeFirst();
  if (!row) return undefined;
  const now = Date.now();
  if (row.last_used_at === null || row.last_used_at < now - 30_000) {
    await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
    row.last_used_at = now;
  }
  return toRecord(row);
}
