/**
 * The engine's Client ID Metadata Document resolver (oidc-provider 9.13,
 * lib/helpers/client_id_metadata_document.js): fetch with the engine's
 * timeout and size limit, validation, cache, single flight, `allowClient`.
 * `Client.find` calls it only for https URLs; loopback documents (a setting,
 * for local development) call it directly (client-metadata-documents.ts).
 */
declare module 'oidc-provider/lib/helpers/client_id_metadata_document.js' {
  import type Provider from 'oidc-provider';
  import type { Client } from 'oidc-provider';

  export function resolveClientByMetadataDocument(provider: Provider, id: string): Promise<Client>;
}
