import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import { PREFIX } from '../../shared/prefixes';
import { sha256Hex } from '../secrets/crypto';
import type { Db } from '../store/database';
import { grantContext } from '../store/grants-store';
import {
  consumeModel,
  destroyModel,
  findModel,
  findModelByUid,
  findModelByUserCode,
  revokeFamilyOf,
  revokeModelsByGrant,
  upsertModel,
  type StoredModel,
} from '../store/oidc-models-store';

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
 * Models a request reads and then changes in the same unit of work: single
 * use values (consumed, or destroyed on use) and the session and grant
 * the engine reads, changes and saves back. Their reads lock the row on
 * PostgreSQL (see `findModel`), so concurrent requests on one row take
 * turns as they do on SQLite; `consume` stays the last line either way.
 */
const READ_TO_WRITE = new Set([
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PushedAuthorizationRequest',
  'Interaction',
  'Session',
  'Grant',
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
  readonly #lock: boolean;

  constructor(db: Db, kind: string) {
    this.#db = db;
    this.#kind = kind;
    this.#lock = READ_TO_WRITE.has(kind);
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
    await upsertModel(this.#db, {
      kind: this.#kind,
      id: storedId(id),
      payload: stored,
      grantId,
      clientId: payload.clientId ?? null,
      accountId: payload.accountId ?? null,
      workspaceId,
      actor,
      scope: payload.scope ?? null,
      uid: payload.uid ?? null,
      userCode: payload.userCode ? sha256Hex(payload.userCode) : null,
      createdAt: now,
      expiresAt,
      consumedAt: payload.consumed ? now : null,
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (typeof id !== 'string' || id.length > MAX_ID_LENGTH) return undefined;
    if (id.startsWith(STORED_ID_MARK)) return this.#findMarked(id);
    const prefix = PREFIX_OF_KIND[this.#kind];
    if (prefix && !id.startsWith(prefix)) return undefined;
    return this.#restore(await findModel(this.#db, this.#kind, sha256Hex(id), this.#lock), id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    if (typeof uid !== 'string' || uid.length > MAX_ID_LENGTH) return undefined;
    const row = await findModelByUid(this.#db, this.#kind, uid, this.#lock);
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
    const row = await findModelByUserCode(this.#db, this.#kind, sha256Hex(userCode), this.#lock);
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
    if (await consumeModel(this.#db, this.#kind, hashed, now)) return;
    await revokeFamilyOf(this.#db, this.#kind, hashed, now);
    throw new errors.InvalidGrant('the grant was already used');
  }

  async destroy(id: string): Promise<void> {
    await destroyModel(this.#db, this.#kind, storedId(id), KEEP_ON_DESTROY.has(this.#kind), Date.now());
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await revokeModelsByGrant(this.#db, this.#kind, sha256Hex(grantId), Date.now());
  }

  /**
   * A marked id comes from findByUserCode, through the interaction that
   * carries the device code while the user approves it. It is a stored hash,
   * not a credential: the token endpoint, where clients present device
   * codes, never accepts one.
   */
  async #findMarked(id: string): Promise<AdapterPayload | undefined> {
    if (this.#kind !== 'DeviceCode' || Provider.ctx?.oidc?.route === 'token') return undefined;
    return this.#restore(await findModel(this.#db, this.#kind, storedId(id), this.#lock), id);
  }

  #restore(row: StoredModel | undefined, id: string | undefined): AdapterPayload | undefined {
    if (!row || row.revoked_at !== null) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return id === undefined ? payload : { ...payload, jti: id };
  }
}
