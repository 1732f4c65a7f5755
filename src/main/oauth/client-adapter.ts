import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { PkcePolicy } from '../../shared/contract/apps';
import { isLoopbackHost } from '../../shared/redirect-uris';
import { FULL_ACCESS_SCOPE, parseScope, SCOPE_NAMES } from '../../shared/scopes';
import type { ActorMode } from '../../shared/scopes';
import { whenCommitted, type Db } from '../store/database';
import type { ClientCache } from './client-cache';
import { ID_TOKEN_CLAIMS } from './id-token-claims';
import { isMetadataDocumentId } from './client-metadata-documents';
import { appExists, deleteAppRow, findApp, findSecretHash, insertApp, updateRegisteredApp, type AppRecord } from '../store/apps-store';
import { deepFreeze } from '../store/caches';
import { sha256Hex } from '../secrets/crypto';

/**
 * A frozen client record whose JSON form is a short key of its content
 * (the SHA-256 of its JSON text, made once). The engine's `Client.find`
 * hashes `JSON.stringify(record)` on every lookup to know whether a client
 * changed (it keeps one instance per distinct record): every token,
 * introspection and revocation request looks its client up, and the
 * stringify and the hash of the whole record were about 12 µs of an
 * introspection. Equal records still give equal keys and changed ones other
 * keys, which is all the engine asks of that text. `toJSON` is not
 * enumerable: the engine's schema and our code read the record's own
 * fields and never see it.
 */
function withContentKey(record: AdapterPayload): AdapterPayload {
  const key = `client-record:${sha256Hex(JSON.stringify(record))}`;
  return Object.freeze(Object.defineProperty({ ...record }, 'toJSON', { value: () => key, enumerable: false }));
}

/** Scopes a dynamically registered client gets when it asks for none. */
export const DEFAULT_DYNAMIC_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'read:user', 'read:organization'];

/** How many document clients' last records are remembered (oldest forgotten first). */
const MAX_REMEMBERED_DOCUMENTS = 1000;

/** RFC 7591 fields that have their own columns; the rest goes to `metadata`. */
const COLUMN_FIELDS = new Set([
  'client_id',
  'client_secret',
  'client_id_issued_at',
  'client_secret_expires_at',
  'client_name',
  'client_uri',
  'logo_uri',
  'policy_uri',
  'tos_uri',
  'redirect_uris',
  'post_logout_redirect_uris',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'scope',
  'actor_modes',
  'environment',
  'workspace_id',
  'consent_policy',
  'pkce_policy',
  ID_TOKEN_CLAIMS,
  'origin',
  'description',
  'registration_access_token',
  'registration_client_uri',
]);

/**
 * Native (RFC 8252) or web. An app is native when it uses a private-use
 * scheme, or when it is public and every redirect URI is a loopback http
 * URI (a CLI or desktop app); dynamically registered clients say so
 * themselves (`application_type`, kept in their metadata).
 */
function applicationType(app: AppRecord): 'native' | 'web' {
  if (app.redirectUris.some((uri) => !/^https?:/i.test(uri))) return 'native';
  const loopback = (uri: string) => {
    const url = URL.parse(uri);
    return url?.protocol === 'http:' && isLoopbackHost(url.hostname);
  };
  return app.clientType === 'public' && app.redirectUris.length > 0 && app.redirectUris.every(loopback) ? 'native' : 'web';
}

/**
 * What a dynamically registered client may ask for beyond the scope it
 * registered: every catalog scope but `admin:all`. The MCP SDKs register
 * with the scope of the first challenge (`read:user`) and later step up
 * (SEP-835) to what a tool needs; the engine refuses any scope outside the
 * client's registered `scope`, so without this a step-up could never
 * succeed. Such a client is a third party: the user's consent and the role
 * rule still decide every scope (like Auth0's third-party apps, whose
 * scopes belong to the API, not to the client). What it registered stays
 * its default (`default_scope`) for requests without `scope`.
 */
export const DYNAMIC_STEP_UP_SCOPES: readonly string[] = SCOPE_NAMES.filter((name) => name !== FULL_ACCESS_SCOPE);

/** The scopes the engine lets an app ask for: its own, and for a dynamically registered one the step-up set too. */
function allowedScope(app: AppRecord): string {
  const scopes = app.origin === 'dynamic' ? [...new Set([...app.scopes, ...DYNAMIC_STEP_UP_SCOPES])] : app.scopes;
  return scopes.join(' ');
}

/** Turns an app row into the client metadata the engine reads. */
export function clientMetadata(app: AppRecord, secretHash: string | null): AdapterPayload {
  return {
    application_type: applicationType(app),
    ...app.metadata,
    client_id: app.id,
    ...(app.clientType === 'confidential' && secretHash ? { client_secret: secretHash } : {}),
    client_id_issued_at: Math.floor(app.createdAt / 1000),
    client_name: app.name,
    ...(app.homepageUrl ? { client_uri: app.homepageUrl } : {}),
    ...(app.logoUrl ? { logo_uri: app.logoUrl } : {}),
    ...(app.privacyUrl ? { policy_uri: app.privacyUrl } : {}),
    ...(app.termsUrl ? { tos_uri: app.termsUrl } : {}),
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    grant_types: app.grantTypes,
    response_types: app.grantTypes.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: (app.clientType === 'public' ? 'none' : app.tokenEndpointAuthMethod) as AdapterPayload['token_endpoint_auth_method'],
    scope: allowedScope(app),
    default_scope: app.scopes.join(' '),
    actor_modes: app.actorModes,
    environment: app.environment,
    workspace_id: app.workspaceId,
    consent_policy: app.consentPolicy,
    pkce_policy: app.pkcePolicy,
    [ID_TOKEN_CLAIMS]: app.idTokenClaims,
    origin: app.origin,
    lifetimes: app.lifetimes,
  };
}

/**
 * The engine's Client model lives in our `apps` table, so the console and
 * the engine see one source of truth. Upserts come from dynamic registration.
 */
export class ClientAdapter implements Adapter {
  readonly #db: Db;
  readonly #registrationWorkspace: () => Promise<string>;
  readonly #cache: ClientCache;
  /** The metadata last recorded per document client, so an unchanged one is not written on every request. */
  readonly #documentClients = new Map<string, string>();

  constructor(db: Db, registrationWorkspace: () => Promise<string>, cache: ClientCache) {
    this.#db = db;
    this.#registrationWorkspace = registrationWorkspace;
    this.#cache = cache;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    // A URL is a Client ID Metadata Document: the engine resolves it from the document (client-metadata-documents.ts), never from its record here.
    if (typeof id !== 'string' || id.length > 200 || isMetadataDocumentId(id)) return undefined;
    const remembered = this.#cache.get(id);
    if (remembered !== null) return remembered;
    const ticket = this.#cache.ticket();
    const app = await findApp(this.#db, id);
    // Frozen: one object serves every lookup (the engine only reads it).
    const payload = app ? withContentKey(deepFreeze(clientMetadata(app, app.clientType === 'confidential' ? await findSecretHash(this.#db, id) : null))) : undefined;
    this.#cache.set(id, payload, ticket);
    return payload;
  }

  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    this.#cache.invalidate(id);
    const existing = await findApp(this.#db, id);
    const p = payload as Record<string, unknown>;
    const str = (key: string) => (typeof p[key] === 'string' ? (p[key] as string) : null);
    const metadata = Object.fromEntries(Object.entries(p).filter(([key]) => !COLUMN_FIELDS.has(key)));
    const scopes = typeof p.scope === 'string' ? parseScope(p.scope) : DEFAULT_DYNAMIC_SCOPES;
    const actorModes = Array.isArray(p.actor_modes) ? (p.actor_modes as ActorMode[]) : ['self' as const];
    const grantTypes = (p.grant_types as string[] | undefined) ?? ['authorization_code'];
    const authMethod = str('token_endpoint_auth_method') ?? 'client_secret_basic';
    if (existing) {
      await updateRegisteredApp(this.#db, id, {
        name: (str('client_name') ?? existing.name).slice(0, 100),
        homepageUrl: str('client_uri'),
        logoUrl: str('logo_uri'),
        privacyUrl: str('policy_uri'),
        termsUrl: str('tos_uri'),
        grantTypes,
        scopes,
        metadata,
        redirectUris: (p.redirect_uris as string[]) ?? [],
        postLogoutRedirectUris: (p.post_logout_redirect_uris as string[]) ?? [],
      });
      return;
    }
    await insertApp(this.#db, {
      id,
      workspaceId: await this.#registrationWorkspace(),
      name: (str('client_name') ?? `Dynamic client ${id.slice(-6)}`).slice(0, 100),
      homepageUrl: str('client_uri'),
      logoUrl: str('logo_uri'),
      privacyUrl: str('policy_uri'),
      termsUrl: str('tos_uri'),
      clientType: authMethod === 'none' ? 'public' : 'confidential',
      tokenEndpointAuthMethod: authMethod,
      ...(typeof p.client_secret === 'string' ? { clientSecret: p.client_secret } : {}),
      redirectUris: (p.redirect_uris as string[]) ?? [],
      postLogoutRedirectUris: (p.post_logout_redirect_uris as string[]) ?? [],
      grantTypes,
      scopes,
      actorModes,
      environment: str('environment') ?? 'development',
      origin: 'dynamic',
      ...(str('pkce_policy') ? { pkcePolicy: str('pkce_policy') as PkcePolicy } : {}),
      idTokenClaims: p[ID_TOKEN_CLAIMS] === true,
      metadata,
    });
  }

  /**
   * Records a client resolved from its Client ID Metadata Document as an app
   * (origin `cimd`, in the registration workspace), so the console lists it
   * and the sign-in and consent pages know it. Written when it is missing or
   * its document changed; the document stays the source of its metadata.
   */
  async recordDocumentClient(metadata: Record<string, unknown>): Promise<void> {
    const id = metadata.client_id;
    if (!isMetadataDocumentId(id)) return;
    const fingerprint = JSON.stringify(metadata);
    // An admin may have deleted the record: it comes back on the client's next request.
    const exists = await appExists(this.#db, id);
    if (exists && this.#documentClients.get(id) === fingerprint) return;
    const str = (key: string) => (typeof metadata[key] === 'string' ? (metadata[key] as string) : null);
    const fields = {
      name: (str('client_name') ?? new URL(id).host).slice(0, 100),
      homepageUrl: str('client_uri'),
      logoUrl: str('logo_uri'),
      privacyUrl: str('policy_uri'),
      termsUrl: str('tos_uri'),
      grantTypes: (metadata.grant_types as string[] | undefined) ?? ['authorization_code'],
      scopes: typeof metadata.scope === 'string' ? parseScope(metadata.scope) : [],
      metadata: { application_type: metadata.application_type, document: true },
      redirectUris: (metadata.redirect_uris as string[] | undefined) ?? [],
      postLogoutRedirectUris: (metadata.post_logout_redirect_uris as string[] | undefined) ?? [],
    };
    const authMethod = str('token_endpoint_auth_method') ?? 'none';
    const insert = async () =>
      insertApp(this.#db, {
        id,
        workspaceId: await this.#registrationWorkspace(),
        ...fields,
        clientType: authMethod === 'none' ? 'public' : 'confidential',
        tokenEndpointAuthMethod: authMethod,
        actorModes: ['self'],
        origin: 'cimd',
        pkcePolicy: 'required',
      });
    // Two first requests of a new client may both find no record (outside a unit of work): the loser updates it.
    if (exists) await updateRegisteredApp(this.#db, id, fields);
    else await insert().catch(async () => updateRegisteredApp(this.#db, id, fields));
    whenCommitted(this.#db, () => {
      if (this.#documentClients.size >= MAX_REMEMBERED_DOCUMENTS) this.#documentClients.delete(this.#documentClients.keys().next().value as string);
      this.#documentClients.set(id, fingerprint);
    });
  }

  async destroy(id: string): Promise<void> {
    this.#cache.invalidate(id);
    await deleteAppRow(this.#db, id);
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {
    throw new Error('clients are not consumable');
  }

  async revokeByGrantId(): Promise<void> {
    throw new Error('clients have no grants');
  }
}
