import type Koa from 'koa';
import Provider, { errors, type Client, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { resolveClientByMetadataDocument } from 'oidc-provider/lib/helpers/client_id_metadata_document.js';
import { isLoopbackHost } from '../../shared/redirect-uris';
import type { SettingsStore } from '../store/settings-store';
import { onlyFor } from '../http/pass-by';
import { ROUTES } from './routes';

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document,
 * the MCP specification's preferred way for a client to identify itself): a
 * `client_id` that is a URL names a JSON document with the client's
 * metadata. The engine's `features.clientIdMetadataDocument` does the work:
 * it fetches https documents (2.5 s timeout, the `fetchResponseBodyLimits`
 * size limit, no redirects, no private or loopback addresses), checks that
 * the document's `client_id` is its URL and that it holds no secret, caches
 * it per its Cache-Control within `cacheDuration`, and lets one fetch serve
 * concurrent requests; the event loop never waits on it.
 *
 * What is ours: the record of each such client in the apps table (origin
 * `cimd`, so the console lists it and the sign-in and consent pages find
 * it), clearer `invalid_client` descriptions, and loopback documents
 * (`http://localhost:3000/client.json`) when the `allowLoopbackMetadataDocuments`
 * setting is on (local development).
 */

/** The size limit of a metadata document, bytes (the engine's default; the draft asks for a small one). */
export const METADATA_DOCUMENT_LIMIT = 5 * 1024;

/** How long the engine waits for a document, ms (fixed in its fetch helper). */
const FETCH_TIMEOUT_MS = 2500;

/** A URL-shaped client id: only metadata documents have one (our own ids are `oc_app_…`). */
export function isMetadataDocumentId(id: unknown): id is string {
  return typeof id === 'string' && /^https?:\/\//i.test(id);
}

/** A document on this machine: https or http on `localhost`, `127.0.0.1` or `[::1]`, with a path, without credentials or fragment. */
export function isLoopbackDocumentId(id: string): boolean {
  const url = URL.parse(id);
  return !!url && (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname) && !url.username && !url.password && !id.includes('#') && url.pathname.length > 1;
}

/**
 * Our own client metadata (provider.ts `extraClientMetadata`) is an admin's
 * to set, never a document's: for a document client it is fixed here, so a
 * document cannot pick a workspace, a consent policy, the bot actor or
 * server-made PKCE. Called by the metadata validator for each property.
 */
export function fixDocumentClientMetadata(key: string, metadata: Record<string, unknown>): void {
  metadata[key] = key === 'pkce_policy' ? 'required' : key === 'origin' ? 'cimd' : undefined;
}

/** The record a resolved client leaves in the apps table. */
export type RecordDocumentClient = (metadata: Record<string, unknown>) => Promise<void>;

/** `features.clientIdMetadataDocument`: loopback documents only with the setting on; every resolved client recorded as an app. */
export function metadataDocumentFeature(settings: SettingsStore, record: RecordDocumentClient): NonNullable<Configuration['features']>['clientIdMetadataDocument'] {
  return {
    enabled: true,
    ack: 'draft-02',
    allowFetch: (_ctx: KoaContextWithOIDC, id: string) => settings.current.allowLoopbackMetadataDocuments || !isLoopbackDocumentId(id),
    allowClient: async (_ctx: KoaContextWithOIDC, client: Client) => {
      await record(client.metadata() as Record<string, unknown>);
      return true;
    },
    // A changed document is picked up within an hour, whatever its Cache-Control says.
    cacheDuration: { min: 30, max: 3600 },
  };
}

/**
 * The engine's `fetch` option. The engine passes a dispatcher that refuses
 * loopback and private addresses (SSRF protection); with the loopback
 * setting on, a request to a loopback host goes without it. Names that only
 * resolve to a loopback address stay refused.
 */
export function metadataDocumentFetch(settings: SettingsStore): NonNullable<Configuration['fetch']> {
  return (input, init) => {
    const url = URL.parse(String(input instanceof Request ? input.url : input));
    if (settings.current.allowLoopbackMetadataDocuments && url && isLoopbackHost(url.hostname) && init) {
      delete (init as { dispatcher?: unknown }).dispatcher;
    }
    return globalThis.fetch(input, init);
  };
}

/**
 * Puts two things around the engine's `Client.find` for URL-shaped ids:
 * loopback documents resolved by the engine's own resolver when the setting
 * allows them (its `Client.find` takes https URLs only), and one clear
 * `invalid_client` for each way a document can fail.
 */
export function installMetadataDocumentClients(provider: Provider, settings: SettingsStore): void {
  const Clients = provider.Client as unknown as { find(id: string): Promise<Client | undefined> };
  const find = Clients.find.bind(Clients);
  Clients.find = async (id: string) => {
    if (!isMetadataDocumentId(id)) return find(id);
    const failed = prefetchFailures.get(Provider.ctx ?? {});
    if (failed?.id === id) throw failed.error;
    try {
      if (isLoopbackDocumentId(id) && id.startsWith('http:')) {
        if (!settings.current.allowLoopbackMetadataDocuments) return undefined;
        return await resolveClientByMetadataDocument(provider, id);
      }
      return await find(id);
    } catch (err) {
      throw clarified(err, id);
    }
  };
}

/** A document that failed to load ahead of its request: the request reports that error instead of fetching again. */
const prefetchFailures = new WeakMap<object, { id: string; error: unknown }>();

/**
 * Loads the document of an authorization request (`GET /oauth/authorize?client_id=https://…`,
 * the first request of a document client) before the request's unit of work
 * begins. A request that finds a sign-in session reads the database first,
 * which opens its transaction, and the database is one connection: a slow
 * document fetched inside that transaction would hold every other request
 * for up to the fetch timeout. Fetched here, it holds nothing; the request
 * then finds it in the engine's cache (or this attempt's error). Installed
 * before installSerializedRequests.
 */
export function installMetadataDocumentPrefetch(provider: Provider): void {
  const applies = (ctx: Koa.Context) => ctx.method === 'GET' && ctx.path === ROUTES.authorization && isMetadataDocumentId(ctx.query.client_id);
  provider.use(
    onlyFor(applies, async (ctx, next) => {
      const id = ctx.query.client_id as string;
      try {
        await provider.Client.find(id);
      } catch (error) {
        prefetchFailures.set(ctx, { id, error });
      }
      return next();
    }),
  );
}

/** The engine's document errors, each said plainly (the engine says "fetch failed" for most). */
function clarified(err: unknown, id: string): unknown {
  if (!(err instanceof errors.OIDCProviderError)) return err;
  const doc = `the client metadata document at ${id}`;
  if (err instanceof errors.InvalidClientMetadata) {
    const mismatch = /client_id does not match/.test(err.error_description ?? '');
    return new errors.InvalidClient(mismatch ? `${doc} names another client_id: it must be its own URL` : `${doc} is not valid client metadata: ${err.error_description}`);
  }
  if (err.error !== 'invalid_client') return err;
  const description = err.error_description ?? err.message;
  if (description === 'client_id metadata document fetch not allowed') {
    return new errors.InvalidClient(`${doc} is on this machine; loopback documents are allowed only with the setting allowLoopbackMetadataDocuments (local development)`);
  }
  if (description !== 'client_id metadata document fetch failed') return err;
  const cause = err.cause as { name?: string; message?: string } | undefined;
  const status = /unexpected response status (\d+)/.exec(err.error_detail ?? '')?.[1];
  let reason: string;
  if (status) reason = `answered HTTP ${status}, not 200`;
  else if (cause?.name === 'TimeoutError' || cause?.name === 'AbortError') reason = `did not answer within ${FETCH_TIMEOUT_MS / 1000} seconds`;
  else if (cause?.message === 'response too large') reason = `is larger than the limit of ${METADATA_DOCUMENT_LIMIT} bytes`;
  else if (cause instanceof SyntaxError) reason = 'is not JSON';
  else reason = `could not be fetched (${describeCause(cause)})`;
  return new errors.InvalidClient(`${doc} ${reason}`);
}

/** The innermost message of a fetch failure ("fetch failed" → "connect ECONNREFUSED …"). */
function describeCause(cause: unknown): string {
  let current = cause as { message?: string; cause?: unknown } | undefined;
  while (current?.cause && typeof current.cause === 'object') current = current.cause as { message?: string; cause?: unknown };
  return current?.message ?? 'unknown error';
}
