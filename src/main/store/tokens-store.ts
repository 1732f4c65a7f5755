import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Db } from './database';
import { indexedBy, jsonTextMember } from './dialect';
import { decodeKeyset, encodeKeyset, InvalidCursorError, olderThan, type KeysetPosition } from './keyset';
import type { Database } from './schema';

/** Token kinds as the console names them, and the engine's model names behind them. */
export const TOKEN_KIND_MODELS = {
  code: 'AuthorizationCode',
  access: 'AccessToken',
  refresh: 'RefreshToken',
  client_credentials: 'ClientCredentials',
} as const;
export type TokenKindName = keyof typeof TOKEN_KIND_MODELS;
export type TokenModel = (typeof TOKEN_KIND_MODELS)[TokenKindName];
export type TokenStatusName = 'active' | 'expired' | 'revoked' | 'consumed';

/** Models bound to an app (and to a user, through its grants): revoked together when either goes. */
export const APP_BOUND_MODELS = [...Object.values(TOKEN_KIND_MODELS), 'Grant', 'RegistrationAccessToken'];

const MODEL_KINDS = Object.fromEntries(Object.entries(TOKEN_KIND_MODELS).map(([kind, model]) => [model, kind])) as Record<TokenModel, TokenKindName>;
const TOKEN_MODELS = Object.values(TOKEN_KIND_MODELS);

export interface TokenFilters {
  appId?: string;
  userId?: string;
  workspaceId?: string;
  /** The grant's stored id (SHA-256 of the engine's grant id). */
  grantId?: string;
  kind?: TokenKindName;
  status?: TokenStatusName;
  /** 1 to 500; 50 unless given. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface TokenRow {
  /** SHA-256 (hex) of the token value. */
  id: string;
  kind: TokenKindName;
  status: TokenStatusName;
  appId: string | null;
  userId: string | null;
  workspaceId: string | null;
  grantId: string | null;
  actor: string | null;
  scopes: string[];
  /** RFC 9449: the thumbprint of the key the token is bound to (`cnf.jkt`); null for a plain bearer token. */
  dpopJkt: string | null;
  createdAt: number;
  expiresAt: number | null;
  consumedAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface TokenPage {
  items: TokenRow[];
  nextCursor: string | null;
}

export { InvalidCursorError };

/** The status of one stored row; the first that applies wins: revoked, consumed, expired, active. */
export function tokenStatus(row: { revoked_at: number | null; consumed_at: number | null; expires_at: number | null }, now: number): TokenStatusName {
  if (row.revoked_at !== null) return 'revoked';
  if (row.consumed_at !== null) return 'consumed';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  return 'active';
}

type ModelsEb = ExpressionBuilder<Database, 'oidc_models'>;

/**
 * The SQL condition for a status, consistent with `tokenStatus`. The unary
 * plus on `expires_at` keeps SQLite from picking the expiry index for a
 * bound (unknown) clock value and sorting every match: the listing walks
 * the newest-first indexes instead.
 */
export function statusCondition(eb: ModelsEb, status: TokenStatusName, now: number): Expression<SqlBool> {
  const expiresAt = sql<number | null>`+expires_at`;
  switch (status) {
    case 'revoked':
      return eb('revoked_at', 'is not', null);
    case 'consumed':
      return eb.and([eb('revoked_at', 'is', null), eb('consumed_at', 'is not', null)]);
    case 'expired':
      return eb.and([eb('revoked_at', 'is', null), eb('consumed_at', 'is', null), eb(expiresAt, '<=', now)]);
    case 'active':
      return eb.and([eb('revoked_at', 'is', null), eb('consumed_at', 'is', null), eb.or([eb(expiresAt, 'is', null), eb(expiresAt, '>', now)])]);
  }
}

/**
 * Lists codes and tokens newest first with keyset paging on
 * (created_at, id), so page N costs the same as page 1 on a million rows.
 * Every filter is an equality on an indexed column or a residual
 * condition on the index scan (migration 0002 adds the indexes).
 *
 * @example
 * const first = await listTokens(db, { appId, kind: 'access', status: 'active', limit: 50 });
 * const second = await listTokens(db, { appId, kind: 'access', status: 'active', limit: 50, cursor: first.nextCursor! });
 */
export async function listTokens(db: Db, filters: TokenFilters = {}, now = Date.now()): Promise<TokenPage> {
  const limit = Math.min(Math.max(Math.trunc(filters.limit ?? 50), 1), 500);
  const after = filters.cursor ? decodeKeyset(filters.cursor) : undefined;
  const models = filters.kind ? [TOKEN_KIND_MODELS[filters.kind]] : TOKEN_MODELS;
  // One query per kind walks its own index in order; merging the newest
  // `limit + 1` of each is cheaper than letting SQLite sort `kind IN (...)`.
  const perKind = await Promise.all(models.map((model) => newestOfKind(db, model, filters, after, limit + 1, now)));
  const rows = perKind
    .flat()
    .sort(newestFirst)
    .slice(0, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => toTokenRow(row, now)),
    nextCursor: rows.length > limit && last ? encodeKeyset({ createdAt: last.created_at, id: last.id }) : null,
  };
}

const COLUMNS = [
  'kind',
  'id',
  'client_id',
  'account_id',
  'workspace_id',
  'grant_id',
  'actor',
  'scope',
  'created_at',
  'expires_at',
  'consumed_at',
  'revoked_at',
  'last_used_at',
  'payload',
] as const;

type Cursor = KeysetPosition;

/** The newest `take` rows of one kind matching the filters, after the cursor. */
async function newestOfKind(db: Db, model: TokenModel, filters: TokenFilters, after: Cursor | undefined, take: number, now: number): Promise<StoredTokenColumns[]> {
  const { status } = filters;
  const narrowed = filters.appId || filters.userId || filters.workspaceId || filters.grantId;
  if ((status === 'active' || status === 'expired') && !narrowed) {
    const few = await fewByExpiry(db, model, status, after, now);
    if (few) return few.sort(newestFirst).slice(0, take);
  }
  let query = db.selectFrom('oidc_models').select(COLUMNS).where('kind', '=', model);
  if (filters.appId) query = query.where('client_id', '=', filters.appId);
  if (filters.userId) query = query.where('account_id', '=', filters.userId);
  if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
  if (filters.grantId) query = query.where('grant_id', '=', filters.grantId);
  if (status) query = query.where((eb) => statusCondition(eb, status, now));
  if (after) {
    query = query.where(olderThan(after));
  }
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(take).execute();
}

/** Above this many matches a status is common, and walking the newest rows finds a page quickly. */
const FEW = 200;

/**
 * Active and expired depend on the clock, so no partial index can hold
 * them. When they are rare for a kind (active codes, expired refresh
 * tokens) walking newest-first would read the whole kind; instead read them
 * through the expiry index, and give up (undefined) once they prove common.
 */
async function fewByExpiry(db: Db, model: TokenModel, status: 'active' | 'expired', after: Cursor | undefined, now: number): Promise<StoredTokenColumns[] | undefined> {
  const columns = sql.join(COLUMNS.map((c) => sql.ref(c)));
  const cursor = after ? sql`and ${olderThan(after)}` : sql``;
  const ranges = status === 'active' ? [sql`expires_at > ${now}`, sql`expires_at is null`] : [sql`expires_at <= ${now}`];
  const rows: StoredTokenColumns[] = [];
  for (const range of ranges) {
    const found = await sql<StoredTokenColumns>`select ${columns} from oidc_models ${indexedBy(db, 'oidc_models_expiry')}
      where kind = ${model} and ${range} and revoked_at is null and consumed_at is null ${cursor} limit ${FEW + 1 - rows.length}`.execute(db);
    rows.push(...found.rows);
    if (rows.length > FEW) return undefined;
  }
  return rows;
}

function newestFirst(a: { created_at: number; id: string }, b: { created_at: number; id: string }): number {
  return b.created_at - a.created_at || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

type StoredTokenColumns = Pick<
  Database['oidc_models'],
  'kind' | 'id' | 'client_id' | 'account_id' | 'workspace_id' | 'grant_id' | 'actor' | 'scope' | 'created_at' | 'expires_at' | 'consumed_at' | 'revoked_at' | 'last_used_at' | 'payload'
>;

/** The key a token is bound to (RFC 9449 `cnf.jkt`, the engine's `jkt`), from its stored payload. */
function dpopJktOf(payload: string): string | null {
  try {
    const jkt = (JSON.parse(payload) as { jkt?: unknown }).jkt;
    return typeof jkt === 'string' ? jkt : null;
  } catch {
    return null;
  }
}

function toTokenRow(row: StoredTokenColumns, now: number): TokenRow {
  return {
    id: row.id,
    kind: MODEL_KINDS[row.kind as TokenModel],
    status: tokenStatus(row, now),
    appId: row.client_id,
    userId: row.account_id,
    workspaceId: row.workspace_id,
    grantId: row.grant_id,
    actor: row.actor,
    scopes: row.scope ? row.scope.split(' ').filter(Boolean) : [],
    dpopJkt: dpopJktOf(row.payload),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

/** One stored token by its id (any of the four kinds). */
export async function findTokenRow(db: Db, id: string, now = Date.now()): Promise<TokenRow | undefined> {
  const row = await db
    .selectFrom('oidc_models')
    .select(COLUMNS)
    .where('kind', 'in', TOKEN_MODELS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toTokenRow(row, now) : undefined;
}

/**
 * Marks the matching live rows revoked and returns how many there were.
 * Rows already dead (revoked, consumed, expired) keep their status.
 */
export async function revokeRows(db: Db, where: (eb: ModelsEb) => Expression<SqlBool>, at = Date.now()): Promise<number> {
  const result = await db
    .updateTable('oidc_models')
    .set({ revoked_at: at })
    .where(where)
    .where((eb) => statusCondition(eb, 'active', at))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** An app's live tokens and connections (grants), and when it last got a token. */
export async function appTokenStats(db: Db, appId: string, now = Date.now()): Promise<{ activeTokens: number; activeConnections: number; lastUsedAt: number | null }> {
  const live = (kinds: string[]) =>
    db
      .selectFrom('oidc_models')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('client_id', '=', appId)
      .where('kind', 'in', kinds)
      .where((eb) => statusCondition(eb, 'active', now))
      .executeTakeFirstOrThrow();
  const tokens = await live(['AccessToken', 'RefreshToken', 'ClientCredentials']);
  const grants = await live(['Grant']);
  const latest = await db
    .selectFrom('oidc_models')
    .select((eb) => eb.fn.max('created_at').as('latest'))
    .where('client_id', '=', appId)
    .where('kind', 'in', TOKEN_MODELS)
    .executeTakeFirstOrThrow();
  return { activeTokens: Number(tokens.count), activeConnections: Number(grants.count), lastUsedAt: latest.latest === null ? null : Number(latest.latest) };
}

/** True when a grant with this stored id exists (live or not). */
export async function grantExists(db: Db, grantId: string): Promise<boolean> {
  return (await db.selectFrom('oidc_models').select('id').where('kind', '=', 'Grant').where('id', '=', grantId).executeTakeFirst()) !== undefined;
}

/** Everything of one app, one user or one grant that `revokeAll` ends. */
export type RevocationScope = { column: 'client_id' | 'account_id'; value: string } | { column: 'grant_id'; value: string };

/** Revokes the live tokens and grants of an app, a user or a grant (by its stored id), in one transaction. */
export async function revokeTokensAndGrants(db: Db, scope: RevocationScope, at = Date.now()): Promise<{ revokedTokens: number; revokedGrants: number }> {
  const tokenModels = APP_BOUND_MODELS.filter((m) => m !== 'Grant');
  return db.transaction().execute(async (trx) => {
    const revokedTokens = await revokeRows(trx, (eb) => eb.and([eb(scope.column, '=', scope.value), eb('kind', 'in', tokenModels)]), at);
    const revokedGrants =
      scope.column === 'grant_id'
        ? await revokeRows(trx, (eb) => eb.and([eb('kind', '=', 'Grant'), eb('id', '=', scope.value)]), at)
        : await revokeRows(trx, (eb) => eb.and([eb(scope.column, '=', scope.value), eb('kind', '=', 'Grant')]), at);
    return { revokedTokens, revokedGrants };
  });
}

/** Revokes one stored code or token if it is live; 1 when it was, 0 when it was already dead. */
export function revokeTokenRow(db: Db, row: Pick<TokenRow, 'kind' | 'id'>, at = Date.now()): Promise<number> {
  return revokeRows(db, (eb) => eb.and([eb('kind', '=', TOKEN_KIND_MODELS[row.kind]), eb('id', '=', row.id)]), at);
}

/** Live rows of some kinds, counted on the expiry index (no row is read). */
export async function countLiveRows(db: Db, kinds: readonly string[], now = Date.now()): Promise<number> {
  let total = 0;
  for (const kind of kinds) {
    const row = await sql<{ c: number }>`select count(*) as c from oidc_models ${indexedBy(db, 'oidc_models_expiry')}
      where kind = ${kind} and (expires_at > ${now} or expires_at is null) and revoked_at is null and consumed_at is null`.execute(db);
    total += Number(row.rows[0]?.c ?? 0);
  }
  return total;
}

/**
 * What a stored token is for and how it was issued (read from its payload):
 * the audience (RFC 8707 `aud`; null for a token asked without `resource`)
 * and its format (`jwt` for an RFC 9068 access token, else `opaque`).
 */
export async function tokenAudience(db: Db, row: Pick<TokenRow, 'kind' | 'id'>): Promise<{ audience: string | null; format: 'opaque' | 'jwt' }> {
  const found = await db
    .selectFrom('oidc_models')
    .select([jsonTextMember(db, 'payload', 'aud').as('aud'), jsonTextMember(db, 'payload', 'format').as('format')])
    .where('kind', '=', TOKEN_KIND_MODELS[row.kind])
    .where('id', '=', row.id)
    .executeTakeFirst();
  return { audience: typeof found?.aud === 'string' ? found.aud : null, format: found?.format === 'jwt' ? 'jwt' : 'opaque' };
}
