import { randomBytes } from 'node:crypto';
import { defaultPkcePolicy, type PkcePolicy } from '../../shared/contract/apps';
import type { ActorMode } from '../../shared/scopes';
import type { ConsentPolicy } from '../../shared/settings';
import { PREFIX } from '../../shared/prefixes';
import { hashSecret, randomSecret, secretHint } from '../secrets/crypto';
import { sql, type Updateable } from 'kysely';
import { cachesOf, readThrough } from './caches';
import type { Db } from './database';
import { olderThan, type KeysetPosition } from './keyset';
import type { AppTable } from './schema';
import { containsText } from './text-search';
import { APP_BOUND_MODELS, revokeRows } from './tokens-store';

export type ClientType = 'public' | 'confidential';
export type AppOrigin = AppTable['origin'];

export interface AppRecord {
  id: string;
  workspaceId: string;
  name: string;
  description: string | null;
  homepageUrl: string | null;
  logoUrl: string | null;
  privacyUrl: string | null;
  termsUrl: string | null;
  clientType: ClientType;
  tokenEndpointAuthMethod: string;
  secretHint: string | null;
  secretRotatedAt: number | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  grantTypes: string[];
  scopes: string[];
  actorModes: ActorMode[];
  environment: string;
  origin: AppOrigin;
  consentPolicy: ConsentPolicy | null;
  pkcePolicy: PkcePolicy;
  /** A new access or client-credentials token revokes the earlier live ones (same workspace and actor). */
  singleLiveToken: boolean;
  /** The ID token carries the claims of the granted scopes (profile, email, ...), not only `sub`. */
  idTokenClaims: boolean;
  /** Lifetime overrides for expiry testing (seconds; null follows the server). */
  lifetimes: AppLifetimes;
  /** Further RFC 7591 metadata (contacts, jwks, application_type, ...). */
  metadata: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** Per-app lifetimes (migration 0006): null follows the server's setting (or the resource server's, for access tokens). */
export interface AppLifetimes {
  accessToken: number | null;
  refreshToken: number | null;
  idToken: number | null;
  authorizationCode: number | null;
}

export interface NewApp {
  id?: string;
  workspaceId: string;
  name: string;
  description?: string | null;
  homepageUrl?: string | null;
  logoUrl?: string | null;
  privacyUrl?: string | null;
  termsUrl?: string | null;
  clientType: ClientType;
  tokenEndpointAuthMethod?: string;
  /** A secret chosen by the caller (dynamic registration); else one is generated. */
  clientSecret?: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  grantTypes: string[];
  scopes: string[];
  actorModes: ActorMode[];
  environment?: string;
  origin: AppOrigin;
  consentPolicy?: ConsentPolicy | null;
  /** Absent: the client type's default (`required` for public apps, `optional` for confidential ones). */
  pkcePolicy?: PkcePolicy;
  singleLiveToken?: boolean;
  idTokenClaims?: boolean;
  metadata?: Record<string, unknown>;
}

export function newClientId(): string {
  return `${PREFIX.clientId}${randomBytes(12).toString('base64url')}`;
}

export function newClientSecret(): string {
  return randomSecret(PREFIX.clientSecret);
}

/** Stores a new app; returns it and, for confidential apps, the one-time secret. */
export async function insertApp(db: Db, input: NewApp): Promise<{ app: AppRecord; clientSecret: string | null }> {
  const now = Date.now();
  const id = input.id ?? newClientId();
  const secret = input.clientType === 'confidential' ? (input.clientSecret ?? newClientSecret()) : null;
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('apps')
      .values({
        id,
        workspace_id: input.workspaceId,
        name: input.name,
        description: input.description ?? null,
        homepage_url: input.homepageUrl ?? null,
        logo_url: input.logoUrl ?? null,
        privacy_url: input.privacyUrl ?? null,
        terms_url: input.termsUrl ?? null,
        client_type: input.clientType,
        token_endpoint_auth_method: input.tokenEndpointAuthMethod ?? (input.clientType === 'public' ? 'none' : 'client_secret_basic'),
        secret_hash: secret ? hashSecret(secret) : null,
        secret_hint: secret ? secretHint(secret) : null,
        secret_rotated_at: null,
        grant_types: JSON.stringify(input.grantTypes),
        scopes: JSON.stringify(input.scopes),
        actor_modes: JSON.stringify(input.actorModes),
        environment: input.environment ?? 'development',
        origin: input.origin,
        consent_policy: input.consentPolicy ?? null,
        pkce_policy: input.pkcePolicy ?? defaultPkcePolicy(input.clientType),
        single_live_token: input.singleLiveToken ? 1 : 0,
        id_token_claims: input.idTokenClaims ? 1 : 0,
        metadata: JSON.stringify(input.metadata ?? {}),
        created_at: now,
        updated_at: now,
      })
      .execute();
    await writeUris(trx, id, input.redirectUris, input.postLogoutRedirectUris ?? []);
  });
  const app = await findApp(db, id);
  return { app: app!, clientSecret: secret };
}

export async function writeUris(db: Db, appId: string, redirectUris: string[], postLogoutRedirectUris: string[]): Promise<void> {
  await db.deleteFrom('app_redirect_uris').where('app_id', '=', appId).execute();
  const rows = [
    ...redirectUris.map((uri, position) => ({ app_id: appId, kind: 'redirect' as const, uri, position })),
    ...postLogoutRedirectUris.map((uri, position) => ({ app_id: appId, kind: 'post_logout' as const, uri, position })),
  ];
  if (rows.length > 0) await db.insertInto('app_redirect_uris').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

export async function findApp(db: Db, id: string): Promise<AppRecord | undefined> {
  const caches = cachesOf(db);
  return readThrough(caches, 'app', id, async () => {
    const row = await db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const uris = await db.selectFrom('app_redirect_uris').selectAll().where('app_id', '=', id).orderBy('position').execute();
    return toRecord(row, uris);
  });
}

/** The stored secret hash of an app (never leaves the main process). */
export async function findSecretHash(db: Db, id: string): Promise<string | null> {
  const row = await db.selectFrom('apps').select('secret_hash').where('id', '=', id).executeTakeFirst();
  return row?.secret_hash ?? null;
}

export function toRecord(row: AppTable, uris: Array<{ kind: string; uri: string }>): AppRecord {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    description: row.description,
    homepageUrl: row.homepage_url,
    logoUrl: row.logo_url,
    privacyUrl: row.privacy_url,
    termsUrl: row.terms_url,
    clientType: row.client_type,
    tokenEndpointAuthMethod: row.token_endpoint_auth_method,
    secretHint: row.secret_hint,
    secretRotatedAt: row.secret_rotated_at,
    redirectUris: uris.filter((u) => u.kind === 'redirect').map((u) => u.uri),
    postLogoutRedirectUris: uris.filter((u) => u.kind === 'post_logout').map((u) => u.uri),
    grantTypes: JSON.parse(row.grant_types) as string[],
    scopes: JSON.parse(row.scopes) as string[],
    actorModes: JSON.parse(row.actor_modes) as ActorMode[],
    environment: row.environment,
    origin: row.origin,
    consentPolicy: row.consent_policy as ConsentPolicy | null,
    pkcePolicy: row.pkce_policy,
    singleLiveToken: row.single_live_token === 1,
    idTokenClaims: row.id_token_claims === 1,
    lifetimes: { accessToken: row.access_token_ttl, refreshToken: row.refresh_token_ttl, idToken: row.id_token_ttl, authorizationCode: row.authorization_code_ttl },
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What dynamic registration may change of an app it registered (RFC 7592 style updates). */
export interface RegisteredAppUpdate {
  name: string;
  homepageUrl: string | null;
  logoUrl: string | null;
  privacyUrl: string | null;
  termsUrl: string | null;
  grantTypes: string[];
  scopes: string[];
  metadata: Record<string, unknown>;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
}

export async function updateRegisteredApp(db: Db, id: string, update: RegisteredAppUpdate): Promise<void> {
  await writeAppRow(
    db,
    id,
    {
      name: update.name,
      homepage_url: update.homepageUrl,
      logo_url: update.logoUrl,
      privacy_url: update.privacyUrl,
      terms_url: update.termsUrl,
      grant_types: JSON.stringify(update.grantTypes),
      scopes: JSON.stringify(update.scopes),
      metadata: JSON.stringify(update.metadata),
    },
    { redirectUris: update.redirectUris, postLogoutRedirectUris: update.postLogoutRedirectUris },
  );
}

/** Updates an app's columns (stamping `updated_at`) and, when given, replaces its URIs, in one transaction. */
async function writeAppRow(db: Db, id: string, columns: Updateable<AppTable>, uris?: { redirectUris: string[]; postLogoutRedirectUris: string[] }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('apps')
      .set({ ...columns, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
    if (uris) await writeUris(trx, id, uris.redirectUris, uris.postLogoutRedirectUris);
  });
}

/** Deletes an app row (its URIs go with it; callers revoke its tokens first where that matters). */
export async function deleteAppRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('apps').where('id', '=', id).execute();
}

export interface AppFilters {
  workspaceId?: string;
  clientType?: ClientType;
  origin?: AppOrigin;
  environment?: string;
  /** Matched in the name, the client id and the description. */
  search?: string;
}

/** Apps newest first with keyset paging on (created_at, id); `more` says whether a next page exists. */
export async function listAppRecords(db: Db, filters: AppFilters, after: KeysetPosition | undefined, limit: number): Promise<{ records: AppRecord[]; more: boolean }> {
  let query = db.selectFrom('apps').selectAll();
  if (filters.workspaceId) query = query.where('workspace_id', '=', filters.workspaceId);
  if (filters.clientType) query = query.where('client_type', '=', filters.clientType);
  if (filters.origin) query = query.where('origin', '=', filters.origin);
  if (filters.environment) query = query.where('environment', '=', filters.environment);
  const search = filters.search;
  if (search) query = query.where((eb) => containsText([eb.ref('name'), eb.ref('id'), sql`coalesce(${eb.ref('description')}, '')`], search));
  if (after) query = query.where(olderThan(after));
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const page = rows.slice(0, limit);
  const uris = page.length ? await db.selectFrom('app_redirect_uris').selectAll().where('app_id', 'in', page.map((r) => r.id)).orderBy('position').execute() : [];
  return { records: page.map((row) => toRecord(row, uris.filter((u) => u.app_id === row.id))), more: rows.length > limit };
}

export async function appExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('apps').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** App names by id, for labelling rows that carry only ids. */
export async function appNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  return new Map((await db.selectFrom('apps').select(['id', 'name']).where('id', 'in', ids).execute()).map((a) => [a.id, a.name]));
}

/** Writes an app's editable fields (and its URIs when `withUris`). */
export async function updateAppRecord(db: Db, next: AppRecord, withUris: boolean): Promise<void> {
  await writeAppRow(
    db,
    next.id,
    {
      name: next.name,
      description: next.description,
      homepage_url: next.homepageUrl,
      logo_url: next.logoUrl,
      privacy_url: next.privacyUrl,
      terms_url: next.termsUrl,
      grant_types: JSON.stringify(next.grantTypes),
      scopes: JSON.stringify(next.scopes),
      actor_modes: JSON.stringify(next.actorModes),
      environment: next.environment,
      consent_policy: next.consentPolicy,
      pkce_policy: next.pkcePolicy,
      single_live_token: next.singleLiveToken ? 1 : 0,
      id_token_claims: next.idTokenClaims ? 1 : 0,
      access_token_ttl: next.lifetimes.accessToken,
      refresh_token_ttl: next.lifetimes.refreshToken,
      id_token_ttl: next.lifetimes.idToken,
      authorization_code_ttl: next.lifetimes.authorizationCode,
    },
    withUris ? next : undefined,
  );
}

/** Deletes an app after revoking every live token and grant it holds; returns how many were live. */
export async function deleteAppCascade(db: Db, id: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const revoked = await revokeRows(trx, (eb) => eb.and([eb('client_id', '=', id), eb('kind', 'in', APP_BOUND_MODELS)]));
    await deleteAppRow(trx, id);
    return revoked;
  });
}

/** Replaces an app's secret (stored as its hash and last characters). */
export async function setAppSecret(db: Db, id: string, secret: { hash: string; hint: string }): Promise<void> {
  const now = Date.now();
  await db.updateTable('apps').set({ secret_hash: secret.hash, secret_hint: secret.hint, secret_rotated_at: now, updated_at: now }).where('id', '=', id).execute();
}

export async function setAppConsentPolicyRow(db: Db, id: string, policy: ConsentPolicy | null): Promise<void> {
  await db.updateTable('apps').set({ consent_policy: policy, updated_at: Date.now() }).where('id', '=', id).execute();
}
