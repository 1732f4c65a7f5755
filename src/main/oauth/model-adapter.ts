import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { CompiledQuery } from 'kysely';
import { PREFIX } from '../../shared/prefixes';
import { sha256Hex } from '../secrets/crypto';
import type { Db } from '../store/database';
import { grantContext } from '../store/grants-store';

/** Models whose ids are bearer values: kept as revoked rows rather than deleted. */
const KEEP_ON_DESTROY = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'Grant',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'RegistrationAccessToken',
]);

/**
 * The prefix every value of a token-like model carries (see installTokenPrefixes):
 * a value with another prefix cannot be of this kind, so it needs no query. The
 * engine looks up every presented token as several kinds (introspection asks
 * AccessToken, ClientCredentials and RefreshToken), so this saves most lookups.
 */
const PREFIX_OF_KIND: Record<string, string> = {
  AccessToken: PREFIX.accessToken,
  AuthorizationCode: PREFIX.authorizationCode,
  RefreshToken: PREFIX.refreshToken,
  ClientCredentials: PREFIX.clientCredentials,
  RegistrationAccessToken: PREFIX.registrationAccessToken,
  InitialAccessToken: PREFIX.initialAccessToken,
};

/**
 * The two statements on every token's path, written out once: building them
 * through the query builder on each call cost more than running them.
 */
const UPSERT_SQL = `insert into "oidc_models"
  ("kind", "id", "payload", "grant_id", "client_id", "account_id", "workspace_id", "actor", "scope", "uid", "user_code", "created_at", "expires_at", "consumed_at", "revoked_at", "last_used_at")
  values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, null)
  on conflict ("kind", "id") do update set
    "payload" = excluded."payload", "expires_at" = excluded."expires_at", "scope" = excluded."scope", "account_id" = excluded."account_id"`;
const FIND_SQL = `select "payload", "revoked_at" from "oidc_models" where "kind" = ? and "id" = ?`;
/** Only a live, unused row can be consumed. */
const CONSUME_SQL = `update "oidc_models" set "consumed_at" = ?, "payload" = json_set("payload", '$.consumed', ?)
  where "kind" = ? and "id" = ? and "consumed_at" is null and "revoked_at" is null`;
/** Everything issued under the grant of one row, and the grant itself. */
const REVOKE_FAMILY_OF_SQL = `update "oidc_models" set "revoked_at" = ?
  where "revoked_at" is null and (
    "grant_id" = (select "grant_id" from "oidc_models" where "kind" = ? and "id" = ?)
    or ("kind" = 'Grant' and "id" = (select "grant_id" from "oidc_models" where "kind" = ? and "id" = ?)))`;

/** Prefix of a jti that is already the stored hash (see findByUserCode); base64url ids never contain '#'. */
const STORED_ID_MARK = '#stored:';

/** The stored id for a value the engine hands to a write. */
function storedId(id: string): string {
  return id.startsWith(STORED_ID_MARK) ? id.slice(STORED_ID_MARK.length) : sha256Hex(id);
}

/** Values the engine may hand to us as ids; longer ones are hostile input. */
const MAX_ID_LENGTH = 512;

/**
 * oidc-provider adapter for every model but Client, over the `oidc_models`
 * table. Ids (and user codes) are stored as SHA-256 hashes, so the database
 * never holds a usable code or token; the payload is stored without its `jti`
 * and the id is put back on read. Denormalised columns (client, account,
 * grant, workspace, expiry, consumed, revoked) let the console list and filter
 * without parsing JSON.
 */
export class ModelAdapter implements Adapter {
  readonly #db: Db;
  readonly #kind: string;

  constructor(db: Db, kind: string) {
    this.#db = db;
    this.#kind = kind;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    const now = Date.now();
    const { jti: _jti, ...rest } = payload;
    const stored = JSON.stringify(rest);
    const expiresAt = expiresIn ? now + expiresIn * 1000 : null;
    const grantId = typeof payload.grantId === 'string' ? sha256Hex(payload.grantId) : null;
    const extra = payload.extra as Record<string, unknown> | undefined;
    const needsContext = grantId && this.#kind !== 'Grant' && !(extra?.workspace_id && extra?.actor);
    const context = needsContext ? await grantContext(this.#db, payload.grantId as string) : undefined;
    const workspaceId = (extra?.workspace_id as string | undefined) ?? context?.workspaceId ?? null;
    const actor = (extra?.actor as string | undefined) ?? context?.actor ?? null;
    await this.#db.executeQuery(
      CompiledQuery.raw(UPSERT_SQL, [
        this.#kind,
        storedId(id),
        stored,
        grantId,
        payload.clientId ?? null,
        payload.accountId ?? null,
        workspaceId,
        actor,
        payload.scope ?? null,
        payload.uid ?? null,
        payload.userCode ? sha256Hex(payload.userCode) : null,
        now,
        expiresAt,
        payload.consumed ? now : null,
      ]),
    );
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (typeof id !== 'string' || id.length > MAX_ID_LENGTH) return undefined;
    if (id.startsWith(STORED_ID_MARK)) return this.#findMarked(id);
    const prefix = PREFIX_OF_KIND[this.#kind];
    if (prefix && !id.startsWith(prefix)) return undefined;
    const { rows } = await this.#db.executeQuery<{ payload: string; revoked_at: number | null }>(CompiledQuery.raw(FIND_SQL, [this.#kind, sha256Hex(id)]));
    const row = rows[0];
    return this.#restore(row, id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    if (typeof uid !== 'string' || uid.length > MAX_ID_LENGTH) return undefined;
    const row = await this.#db
      .selectFrom('oidc_models')
      .select(['payload', 'revoked_at'])
      .where('kind', '=', this.#kind)
      .where('uid', '=', uid)
      .executeTakeFirst();
    // The plaintext id is not stored, so the payload comes back without its
    // jti; the engine re-saves sessions only through the jti it reads from the cookie.
    return this.#restore(row, undefined);
  }

  /**
   * The device code behind a user code. The engine saves what it finds here
   * (the user's approval), so the payload's jti names the stored row — the
   * hash, marked so that only this adapter reads it as one (see #findMarked).
   */
  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    if (typeof userCode !== 'string' || userCode.length > MAX_ID_LENGTH) return undefined;
    const row = await this.#db
      .selectFrom('oidc_models')
      .select(['id', 'payload', 'revoked_at'])
      .where('kind', '=', this.#kind)
      .where('user_code', '=', sha256Hex(userCode))
      .executeTakeFirst();
    return this.#restore(row, row && `${STORED_ID_MARK}${row.id}`);
  }

  /**
   * Marks the value used, once: of callers racing on one value exactly one
   * wins, and every other gets `invalid_grant` after the family the value
   * belongs to is revoked (reuse detection), as a replay would be. Requests
   * that consume run as units of work, so the engine's own "already
   * consumed" check normally answers first; this is the last line.
   */
  async consume(id: string): Promise<void> {
    const now = Date.now();
    const hashed = storedId(id);
    const { numAffectedRows } = await this.#db.executeQuery(CompiledQuery.raw(CONSUME_SQL, [now, Math.floor(now / 1000), this.#kind, hashed]));
    if (numAffectedRows === 1n) return;
    await this.#db.executeQuery(CompiledQuery.raw(REVOKE_FAMILY_OF_SQL, [now, this.#kind, hashed, this.#kind, hashed]));
    throw new errors.InvalidGrant('the grant was already used');
  }

  async destroy(id: string): Promise<void> {
    const where = this.#db.updateTable('oidc_models').where('kind', '=', this.#kind).where('id', '=', storedId(id));
    if (KEEP_ON_DESTROY.has(this.#kind)) {
      await where.set({ revoked_at: Date.now() }).where('revoked_at', 'is', null).execute();
      return;
    }
    await this.#db.deleteFrom('oidc_models').where('kind', '=', this.#kind).where('id', '=', storedId(id)).execute();
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.#db
      .updateTable('oidc_models')
      .set({ revoked_at: Date.now() })
      .where('grant_id', '=', sha256Hex(grantId))
      .where('kind', '=', this.#kind)
      .where('revoked_at', 'is', null)
      .execute();
  }

  /**
   * A marked id comes from findByUserCode, through the interaction that
   * carries the device code while the user approves it. It is a stored hash,
   * not a credential: the token endpoint, where clients present device
   * codes, never accepts one.
   */
  async #findMarked(id: string): Promise<AdapterPayload | undefined> {
    if (this.#kind !== 'DeviceCode' || Provider.ctx?.oidc?.route === 'token') return undefined;
    const { rows } = await this.#db.executeQuery<{ payload: string; revoked_at: number | null }>(CompiledQuery.raw(FIND_SQL, [this.#kind, storedId(id)]));
    return this.#restore(rows[0], id);
  }

  #restore(row: { payload: string; revoked_at: number | null } | undefined, id: string | undefined): AdapterPayload | undefined {
    if (!row || row.revoked_at !== null) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return id === undefined ? payload : { ...payload, jti: id };
  }
}
