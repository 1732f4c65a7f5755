import { CompiledQuery } from 'kysely';
import { cachesOf, clientTokensKey } from './caches';
import type { DeferredWrite } from './commit-group';
import { currentUnit, type Db } from './database';
import { dialectOf, positionalPlaceholders, type StoreDialect } from './dialect';

/**
 * The engine's models in `oidc_models`: every read and write the adapter
 * makes. Ids, grant ids and user codes arrive here already hashed (the
 * adapter hashes them); the payload is the engine's JSON without its jti.
 * The statements on every token's path are written out once: building them
 * through the query builder on each call cost more than running them.
 * They are written in SQLite's form; PostgreSQL gets `$n` placeholders
 * and, where JSON is changed, its own text (see {@link statement}).
 *
 * Live access and client-credentials tokens and grants are remembered (the
 * `token` cache, caches.ts): introspection and every resource-API call read
 * the token, and introspection and userinfo the grant behind it.
 * Each statement here that changes such a row says so to the caches, since
 * written-out statements pass by the cache invalidation plugin.
 */

/** The kinds whose live rows are remembered: what introspection, userinfo and the resource APIs look up. */
const CACHED_KINDS = new Set(['AccessToken', 'ClientCredentials', 'Grant']);

/** The kinds a single-live-token app's trigger supersedes (migration 0003): inserting one may revoke others of its client. */
const SUPERSEDING_KINDS = new Set(['AccessToken', 'ClientCredentials']);

const tokenKey = (kind: string, id: string) => `${kind}:${id}`;
export interface StoredModel {
  payload: string;
  revoked_at: number | null;
  client_id?: string | null;
}

/** One row as the adapter writes it. */
export interface ModelRow {
  kind: string;
  id: string;
  payload: string;
  grantId: string | null;
  clientId: string | null;
  accountId: string | null;
  workspaceId: string | null;
  actor: string | null;
  scope: string | null;
  uid: string | null;
  userCode: string | null;
  createdAt: number;
  expiresAt: number | null;
  consumedAt: number | null;
}

const UPSERT_HEAD = `insert into "oidc_models"
  ("kind", "id", "payload", "grant_id", "client_id", "account_id", "workspace_id", "actor", "scope", "uid", "user_code", "created_at", "expires_at", "consumed_at", "revoked_at", "last_used_at")
  values `;
const UPSERT_ROW = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null)';
const UPSERT_TAIL = `
  on conflict ("kind", "id") do update set
    "payload" = excluded."payload", "expires_at" = excluded."expires_at", "scope" = excluded."scope", "account_id" = excluded."account_id"`;
const upsertTexts = new Map<number, string>();

/** The upsert of `rows` (one or many: a group commit merges the token rows of concurrent requests). */
function upsertStatement(db: Db, rows: ReadonlyArray<readonly unknown[]>): CompiledQuery {
  let text = upsertTexts.get(rows.length);
  if (!text) upsertTexts.set(rows.length, (text = UPSERT_HEAD + Array.from({ length: rows.length }, () => UPSERT_ROW).join(', ') + UPSERT_TAIL));
  return statement(db, text, rows.flat());
}

const FIND_SQL = `select "payload", "revoked_at", "client_id" from "oidc_models" where "kind" = ? and "id" = ?`;
const FIND_BY_UID_SQL = `select "payload", "revoked_at" from "oidc_models" where "kind" = ? and "uid" = ? limit 1`;
const FIND_BY_USER_CODE_SQL = `select "id", "payload", "revoked_at" from "oidc_models" where "kind" = ? and "user_code" = ? limit 1`;
/** Only a live, unused row can be consumed. */
const CONSUME_SQL = {
  sqlite: `update "oidc_models" set "consumed_at" = ?, "payload" = json_set("payload", '$.consumed', ?)
  where "kind" = ? and "id" = ? and "consumed_at" is null and "revoked_at" is null`,
  postgres: `update "oidc_models" set "consumed_at" = ?, "payload" = jsonb_set("payload"::jsonb, '{consumed}', to_jsonb(?::bigint))::text
  where "kind" = ? and "id" = ? and "consumed_at" is null and "revoked_at" is null`,
};
/** Everything issued under the grant of one row, and the grant itself. */
const REVOKE_FAMILY_OF_SQL = `update "oidc_models" set "revoked_at" = ?
  where "revoked_at" is null and (
    "grant_id" = (select "grant_id" from "oidc_models" where "kind" = ? and "id" = ?)
    or ("kind" = 'Grant' and "id" = (select "grant_id" from "oidc_models" where "kind" = ? and "id" = ?)))`;
const REVOKE_SQL = `update "oidc_models" set "revoked_at" = ? where "kind" = ? and "id" = ? and "revoked_at" is null`;
const DELETE_SQL = `delete from "oidc_models" where "kind" = ? and "id" = ?`;
const REVOKE_BY_GRANT_SQL = `update "oidc_models" set "revoked_at" = ? where "grant_id" = ? and "kind" = ? and "revoked_at" is null`;

type Statement = string | Record<StoreDialect, string>;

/** PostgreSQL's text of each statement, made once. */
const postgresTexts = new Map<Statement, string>();

/** The statement in the dialect of `db`: SQLite's as written, PostgreSQL's with `$n` placeholders. */
function statement(db: Db, text: Statement, parameters: unknown[]): CompiledQuery {
  if (dialectOf(db) === 'sqlite') return CompiledQuery.raw(typeof text === 'string' ? text : text.sqlite, parameters);
  let pg = postgresTexts.get(text);
  if (pg === undefined) postgresTexts.set(text, (pg = positionalPlaceholders(typeof text === 'string' ? text : text.postgres)));
  return CompiledQuery.raw(pg, parameters);
}

/**
 * A read that the caller will follow with a write of the same row (a code
 * or refresh token about to be consumed, a session about to be changed)
 * locks the row on PostgreSQL when it runs in a unit of work: a second
 * request for the same row waits at its read until the first commits, then
 * reads what the first wrote (already consumed, gone) — what SQLite's
 * serialised units give by themselves, so the engine's own checks answer.
 */
function lockedRead(db: Db, text: string, lock: boolean): string {
  return lock && dialectOf(db) === 'postgres' && currentUnit(db) ? `${text} for update` : text;
}

/**
 * Inserts or updates one engine model. As the first write of a unit of
 * work that has read nothing from the store (a client-credentials token
 * request), it is held back until the unit commits, and commits together
 * with the concurrent units of the moment (commit-group.ts); the request is
 * answered only after that commit.
 */
export async function upsertModel(db: Db, row: ModelRow): Promise<void> {
  const write: DeferredWrite = {
    family: 'oidc_models.upsert',
    parameters: [
      row.kind,
      row.id,
      row.payload,
      row.grantId,
      row.clientId,
      row.accountId,
      row.workspaceId,
      row.actor,
      row.scope,
      row.uid,
      row.userCode,
      row.createdAt,
      row.expiresAt,
      row.consumedAt,
    ],
    statement: (rows) => upsertStatement(db, rows),
  };
  if (!currentUnit(db)?.defer(write)) await db.executeQuery(upsertStatement(db, [write.parameters]));
  if (!CACHED_KINDS.has(row.kind)) return;
  const caches = cachesOf(db);
  const key = tokenKey(row.kind, row.id);
  caches.changed('token', key);
  if (row.clientId && SUPERSEDING_KINDS.has(row.kind)) caches.changed('token', clientTokensKey(row.clientId));
  const stored = { payload: row.payload, revoked_at: null };
  const clientId = row.clientId ?? undefined;
  // Written through once committed: the first introspection of a new token needs no query.
  if (row.consumedAt === null) caches.afterCommit(() => caches.tokens.put(key, stored, clientId));
}

/** One row; `lock`: the caller is about to write it (see {@link lockedRead}). */
export async function findModel(db: Db, kind: string, id: string, lock = false): Promise<StoredModel | undefined> {
  const caches = cachesOf(db);
  const query = () => db.executeQuery<StoredModel>(statement(db, lockedRead(db, FIND_SQL, lock), [kind, id]));
  // Inside a unit of work (where `lock` applies) the caches are not used.
  if (!CACHED_KINDS.has(kind) || !caches.usable) return (await query()).rows[0];
  const key = tokenKey(kind, id);
  const remembered = caches.tokens.get(key);
  if (remembered) return remembered.value;
  const ticket = caches.tokens.ticket();
  const row = (await query()).rows[0];
  // Only live rows are remembered: a revoked one stays revoked, and is rarely asked for again.
  if (row && row.revoked_at === null) caches.tokens.set(key, { payload: row.payload, revoked_at: null }, ticket, row.client_id ?? undefined);
  return row;
}

export async function findModelByUid(db: Db, kind: string, uid: string, lock = false): Promise<StoredModel | undefined> {
  const { rows } = await db.executeQuery<StoredModel>(statement(db, lockedRead(db, FIND_BY_UID_SQL, lock), [kind, uid]));
  return rows[0];
}

/** The row behind a (hashed) user code, with its stored id. */
export async function findModelByUserCode(db: Db, kind: string, userCode: string, lock = false): Promise<(StoredModel & { id: string }) | undefined> {
  const { rows } = await db.executeQuery<StoredModel & { id: string }>(statement(db, lockedRead(db, FIND_BY_USER_CODE_SQL, lock), [kind, userCode]));
  return rows[0];
}

/**
 * Marks a live, unused row consumed; false when another caller did first
 * (or it is revoked). One conditional update, checked by its affected rows:
 * on PostgreSQL a concurrent consumer waits on the row and then finds the
 * condition false, so exactly one wins on either database.
 */
export async function consumeModel(db: Db, kind: string, id: string, now: number): Promise<boolean> {
  const { numAffectedRows } = await db.executeQuery(statement(db, CONSUME_SQL, [now, Math.floor(now / 1000), kind, id]));
  if (CACHED_KINDS.has(kind)) cachesOf(db).changed('token', tokenKey(kind, id));
  return numAffectedRows === 1n;
}

/** Revokes everything issued under the grant of one row, and that grant (reuse detection). */
export async function revokeFamilyOf(db: Db, kind: string, id: string, now: number): Promise<void> {
  await db.executeQuery(statement(db, REVOKE_FAMILY_OF_SQL, [now, kind, id, kind, id]));
  // The family's members are not known here: forget every cached token.
  cachesOf(db).changed('token');
}

/** Marks one row revoked (it stays, for the console), or deletes it when `keep` is false. */
export async function destroyModel(db: Db, kind: string, id: string, keep: boolean, now: number): Promise<void> {
  await db.executeQuery(keep ? statement(db, REVOKE_SQL, [now, kind, id]) : statement(db, DELETE_SQL, [kind, id]));
  if (CACHED_KINDS.has(kind)) cachesOf(db).changed('token', tokenKey(kind, id));
}

export async function revokeModelsByGrant(db: Db, kind: string, grantId: string, now: number): Promise<void> {
  await db.executeQuery(statement(db, REVOKE_BY_GRANT_SQL, [now, grantId, kind]));
  // Which cached tokens belong to the grant is not known here: forget them all.
  if (CACHED_KINDS.has(kind)) cachesOf(db).changed('token');
}

/** Records that a token was used, unless that was recorded less than `resolutionMs` ago. */
export async function touchModelLastUse(db: Db, kind: string, id: string, now: number, resolutionMs: number): Promise<void> {
  await db
    .updateTable('oidc_models')
    .set({ last_used_at: now })
    .where('kind', '=', kind)
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', now - resolutionMs)]))
    .execute();
}

/** A signed-in browser session (the engine's `Session` model), as the console lists it. */
export interface SessionRow {
  /** The session's `uid`: stable for its life, unlike its id (the cookie value's hash), which the engine renews on each sign-in step. */
  uid: string;
  accountId: string;
  /** The engine's JSON: `loginTs`, `authorizations` (per app: `sid`, `grantId`). */
  payload: string;
  expiresAt: number | null;
}

/** At most this many sessions are listed: a test server holds a handful; the cap bounds a runaway script. */
const SESSION_LIST_CAP = 500;

/** Live sessions in which a user is signed in, newest first; one user's when `accountId` is given. */
export async function listSessionRows(db: Db, filter: { accountId?: string }, now: number): Promise<SessionRow[]> {
  let query = db
    .selectFrom('oidc_models')
    .select(['uid', 'account_id', 'payload', 'expires_at'])
    .where('kind', '=', 'Session')
    .where('account_id', 'is not', null)
    .where('uid', 'is not', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  if (filter.accountId !== undefined) query = query.where('account_id', '=', filter.accountId);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id').limit(SESSION_LIST_CAP).execute();
  return rows.map((r) => ({ uid: r.uid!, accountId: r.account_id!, payload: r.payload, expiresAt: r.expires_at }));
}

/**
 * Deletes the live session with this uid: the browser's cookie then names
 * nothing, so its next authorization request asks for sign-in. Returns the
 * session's user, or undefined when no such live session exists.
 */
export async function deleteSessionByUid(db: Db, uid: string, now: number): Promise<{ accountId: string } | undefined> {
  const row = await db
    .deleteFrom('oidc_models')
    .where('kind', '=', 'Session')
    .where('uid', '=', uid)
    .where('account_id', 'is not', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .returning('account_id')
    .executeTakeFirst();
  return row?.account_id ? { accountId: row.account_id } : undefined;
}

/** Deletes every session of one user; returns how many were live. */
export async function deleteSessionsOfAccount(db: Db, accountId: string, now: number): Promise<number> {
  const rows = await db
    .deleteFrom('oidc_models')
    .where('kind', '=', 'Session')
    .where('account_id', '=', accountId)
    .returning('expires_at')
    .execute();
  return rows.filter((r) => r.expires_at === null || r.expires_at > now).length;
}

/** Marks a stored row (a grant, or a client-credentials token) as issued by "Mint a token". */
export async function markModelMinted(db: Db, kind: string, id: string): Promise<void> {
  await db.updateTable('oidc_models').set({ minted: 1 }).where('kind', '=', kind).where('id', '=', id).execute();
}

/** Of these stored ids (grants, tokens), those "Mint a token" made. */
export async function mintedModelIds(db: Db, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db.selectFrom('oidc_models').select('id').where('id', 'in', ids).where('minted', '=', 1).execute();
  return new Set(rows.map((r) => r.id));
}
