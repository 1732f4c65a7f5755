import Provider, { errors, type Adapter, type Configuration, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { PREFIX } from '../../shared/prefixes';
import { redirectUriProblem } from '../../shared/redirect-uris';
import { defaultPkcePolicy, PKCE_POLICIES } from '../../shared/contract/apps';
import { ACTOR_MODES, SCOPE_NAMES, claimsByScope } from '../../shared/scopes';
import { CONSENT_POLICIES } from '../../shared/settings';
import { verifySecret } from '../secrets/crypto';
import { newClientId, newClientSecret } from '../store/apps-store';
import { getRawSetting } from '../store/settings-store';
import { createFindAccount } from './accounts';
import { successSource, userCodeConfirmSource, userCodeInputSource } from './device-pages';
import { corsAllowed } from './cors';
import {
  fixDocumentClientMetadata,
  installMetadataDocumentClients,
  installMetadataDocumentPrefetch,
  isMetadataDocumentId,
  METADATA_DOCUMENT_LIMIT,
  metadataDocumentFeature,
  metadataDocumentFetch,
} from './client-metadata-documents';
import { defaultScope } from './default-scope';
import { nativeWhenUnsaid } from './native-registration';
import { installLoopbackRedirects } from './loopback-redirects';
import { interactionPolicyWithLoginHint } from './login-hint-policy';
import { ClientAdapter } from './client-adapter';
import { ID_TOKEN_CLAIMS, idTokenClaimsMetadata, installIdTokenClaims } from './id-token-claims';
import type { ServiceParts } from '../service-parts';
import { ManagedPkce } from './managed-pkce';
import { ModelAdapter } from './model-adapter';
import { recordEngineEvents } from './engine-events';
import { installExtraClaims } from './extra-claims';
import { issuesRefreshTokens } from './minted-tokens';
import { createExtraTokenClaims } from './token-claims';
import { installRegistrationCors } from './registration-cors';
import { installRegistrationGate } from './registration-gate';
import { installStoredJwtAccessTokens, resourceIndicatorsFeature, resourceServerTtl } from './resource-indicators';
import { installSerializedRequests } from './serialized-requests';
import { ROUTES } from './routes';
import { errorPage, logoutDonePage, logoutPage } from '../http/html';
import { allowFormTarget, securityHeaders } from '../http/security-headers';
import { installStorageAnswers, storageAwareAdapters } from './storage-answers';
import { withAppLifetime } from './app-lifetimes';
import { installSimulation, SIMULATION_PARAM, simulatedAuthorizationErrors } from './engine-simulation';
import { firstWorkspaceId } from '../store/identity-store';


/**
 * The engine needs a finite lifetime; "valid until revoked" (the seeds'
 * refresh-token rule) is stored as ten years.
 */
export const UNTIL_REVOKED = 10 * 365 * 86400;

/** Asymmetric only: client secrets are stored hashed, so HMAC algorithms cannot work. */
const ASYMMETRIC = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/** The service parts plus the keys the engine is built with (a key rotation builds a new engine). */
export interface EngineOptions extends ServiceParts {
  signingKeys: JWK[];
  cookieKeys: string[];
}

/**
 * Builds the oidc-provider instance: our adapter, accounts, scopes, claims,
 * lifetimes (read from settings on every token, so changes apply at once),
 * grants and policies.
 */
export function createEngine(options: EngineOptions): Provider {
  const { db, settings } = options;
  const clientAdapter = new ClientAdapter(db, async () => {
    const ws = await getRawSetting(db, 'registration_workspace');
    if (ws) return ws;
    const first = await firstWorkspaceId(db);
    if (!first) throw new errors.InvalidClientMetadata('no workspace exists to register the client in');
    return first;
  }, options.clientCache);
  const adapters = new Map<string, Adapter>();
  // A challenge the server made stays redeemable through sign-in and consent (interaction), a pushed request and the code's life.
  const managedPkce = new ManagedPkce(db, options.cookieKeys[0]!, () => 3600 + 600 + settings.current.authorizationCodeTtl);

  const configuration: Configuration = {
    adapter: (name: string) => {
      if (name === 'Client') return clientAdapter;
      let adapter = adapters.get(name);
      if (!adapter) {
        adapter = new ModelAdapter(db, name);
        if (name === 'AuthorizationCode') adapter = managedPkce.wrapCodes(adapter);
        adapters.set(name, adapter);
      }
      return adapter;
    },
    findAccount: createFindAccount(db),
    scopes: [...SCOPE_NAMES],
    claims: { openid: ['sub'], ...claimsByScope() },
    cookies: {
      keys: options.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: 'lax' },
      short: { signed: true, httpOnly: true, sameSite: 'lax' },
    },
    jwks: { keys: options.signingKeys },
    routes: ROUTES,
    responseTypes: ['code'],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    enabledJWA: {
      clientAuthSigningAlgValues: [...ASYMMETRIC],
      idTokenSigningAlgValues: ['RS256', 'ES256'],
      userinfoSigningAlgValues: ['RS256', 'ES256'],
      introspectionSigningAlgValues: ['RS256', 'ES256'],
      authorizationSigningAlgValues: ['RS256', 'ES256'],
      requestObjectSigningAlgValues: [...ASYMMETRIC],
    },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      clientCredentials: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // The engine's default pages load web fonts from the internet; ours load nothing remote.
        logoutSource: async (ctx, form) => {
          ctx.body = logoutPage(form, ctx.oidc.client?.clientName);
        },
        postLogoutSuccessSource: async (ctx) => {
          ctx.body = logoutDonePage(ctx.oidc.client?.clientName);
        },
      },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      deviceFlow: { enabled: true, charset: 'base-20', mask: '****-****', userCodeInputSource, userCodeConfirmSource, successSource },
      // RFC 9449: a token request with a DPoP proof gets a token bound to its key (`cnf.jkt`); the resource API checks proofs (server/dpop-proof.ts).
      dPoP: { enabled: true },
      clientIdMetadataDocument: metadataDocumentFeature(settings, (metadata) => clientAdapter.recordDocumentClient(metadata)),
      registration: {
        enabled: true,
        idFactory: () => newClientId(),
        secretFactory: async () => newClientSecret(),
      },
      resourceIndicators: resourceIndicatorsFeature(options),
    },
    pkce: {
      // S256 is the only method the engine accepts. Per app: required (always for public
      // clients), optional, or managed (the server originates it: see managed-pkce.ts).
      required: managedPkce.required,
    },
    ttl: {
      AuthorizationCode: withAppLifetime('authorizationCode', () => settings.current.authorizationCodeTtl),
      AccessToken: withAppLifetime('accessToken', resourceServerTtl(() => settings.current.accessTokenTtl)),
      ClientCredentials: withAppLifetime('accessToken', resourceServerTtl(() => settings.current.clientCredentialsTtl)),
      IdToken: withAppLifetime('idToken', () => settings.current.idTokenTtl),
      RefreshToken: withAppLifetime('refreshToken', () => settings.current.refreshTokenTtl || UNTIL_REVOKED),
      Grant: () => (settings.current.refreshTokenTtl ? Math.max(settings.current.refreshTokenTtl, settings.current.sessionTtl) : UNTIL_REVOKED),
      Session: () => settings.current.sessionTtl,
      Interaction: () => 3600,
      PushedAuthorizationRequest: () => 600,
      DeviceCode: () => 600,
      BackchannelAuthenticationRequest: () => 600,
    } as Configuration['ttl'],
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => issuesRefreshTokens(client),
    expiresWithSession: async () => false,
    allowOmittingSingleRegisteredRedirectUri: true,
    clientBasedCORS: corsAllowed,
    fetch: metadataDocumentFetch(settings),
    fetchResponseBodyLimits: { 'client_id metadata document': METADATA_DOCUMENT_LIMIT },
    extraParams: {
      scope: defaultScope(settings),
      actor(ctx: KoaContextWithOIDC, value: string | undefined, client: { metadata(): Record<string, unknown> }) {
        if (value === undefined) return;
        if (!(ACTOR_MODES as readonly string[]).includes(value)) throw new errors.InvalidRequest('actor must be "self" or "app"');
        const allowed = (client.metadata().actor_modes as string[] | undefined) ?? ['self'];
        if (!allowed.includes(value)) throw new errors.InvalidRequest(`this app does not allow actor mode "${value}"`);
      },
      [SIMULATION_PARAM]: simulatedAuthorizationErrors(options.simulation),
    } as unknown as Configuration['extraParams'],
    extraClientMetadata: {
      properties: ['actor_modes', 'environment', 'workspace_id', 'consent_policy', 'pkce_policy', 'origin', 'default_scope', ID_TOKEN_CLAIMS, 'lifetimes'],
      validator(ctx, key, value, metadata) {
        if (isMetadataDocumentId(metadata.client_id)) return fixDocumentClientMetadata(key, metadata);
        // With a ctx the client is being registered; without one it is being loaded from the apps table.
        if (key === 'pkce_policy') pkcePolicyMetadata(ctx !== undefined, value, metadata);
        if (key === ID_TOKEN_CLAIMS) idTokenClaimsMetadata(value);
        if (key === 'pkce_policy' && ctx) nativeWhenUnsaid(ctx, metadata);
        if (key === 'actor_modes') {
          if (value !== undefined && (!Array.isArray(value) || value.length === 0 || value.some((m) => !(ACTOR_MODES as readonly string[]).includes(m)))) {
            throw new errors.InvalidClientMetadata('actor_modes must be a non-empty array of "self" and "app"');
          }
          for (const uri of [...((metadata.redirect_uris as string[]) ?? []), ...((metadata.post_logout_redirect_uris as string[]) ?? [])]) {
            const problem = redirectUriProblem(uri);
            if (problem) throw new errors.InvalidRedirectUri(`${uri}: ${problem}`);
          }
        }
        if (key === 'consent_policy' && value != null && !(CONSENT_POLICIES as readonly string[]).includes(value as string)) {
          throw new errors.InvalidClientMetadata('consent_policy must be prompt, auto-approve or auto-deny');
        }
        if ((key === 'environment' || key === 'workspace_id' || key === 'origin' || key === 'default_scope') && value != null && typeof value !== 'string') {
          throw new errors.InvalidClientMetadata(`${key} must be a string`);
        }
      },
    },
    extraTokenClaims: createExtraTokenClaims(db),
    interactions: {
      policy: interactionPolicyWithLoginHint(db),
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    renderError: async (ctx, out) => {
      ctx.type = 'html';
      ctx.body = errorPage(out.error, out.error_description);
    },
  };

  const provider = new Provider(options.issuer, { ...configuration, adapter: storageAwareAdapters(configuration.adapter as (name: string) => Adapter) });
  // First, so it is the outermost engine middleware and sees what escapes the others.
  installStorageAnswers(provider);
  installPageHeaders(provider);
  installSimulation(provider, options.simulation);
  installMetadataDocumentPrefetch(provider);
  installSerializedRequests(provider, db);
  provider.use(managedPkce.persist);
  installHashedSecrets(provider);
  installLoopbackRedirects(provider);
  installMetadataDocumentClients(provider, settings);
  installTokenPrefixes(provider);
  installExtraClaims(provider);
  installStoredJwtAccessTokens(provider, options);
  installIdTokenClaims(provider);
  installRegistrationCors(provider);
  installRegistrationGate(provider, settings);
  recordEngineEvents(provider, options.activity);
  return provider;
}

/**
 * `pkce_policy` in client metadata. Registration may choose `required` or
 * `optional` (default: `required` for public clients, `optional` for
 * confidential ones); `managed` is an admin's decision, made in the console
 * or the management API.
 */
function pkcePolicyMetadata(registering: boolean, value: unknown, metadata: Record<string, unknown>): void {
  if (value !== undefined && !(PKCE_POLICIES as readonly unknown[]).includes(value)) {
    throw new errors.InvalidClientMetadata('pkce_policy must be required, optional or managed');
  }
  if (!registering) return;
  const isPublic = metadata.token_endpoint_auth_method === 'none';
  if (value === 'managed') throw new errors.InvalidClientMetadata('pkce_policy "managed" is chosen by an admin in the console or the management API, not at registration');
  if (isPublic && value !== undefined && value !== 'required') throw new errors.InvalidClientMetadata('public clients (token_endpoint_auth_method "none") must use pkce_policy "required"');
  if (value === undefined) metadata.pkce_policy = defaultPkcePolicy(isPublic ? 'public' : 'confidential');
}

/**
 * The engine's answers get the same security headers as our pages. Its HTML
 * pages that lead on to an app (the form_post page, the sign-out question)
 * may send their form towards the app's registered redirect URI.
 */
function installPageHeaders(provider: Provider): void {
  const headers = securityHeaders();
  provider.use((ctx, next) =>
    headers(ctx, async () => {
      await next();
      if (!ctx.response.is('html')) return;
      const { client, params } = (ctx as KoaContextWithOIDC).oidc ?? {};
      const redirect = params?.redirect_uri;
      const logout = params?.post_logout_redirect_uri;
      if (client && typeof redirect === 'string' && client.redirectUriAllowed(redirect)) allowFormTarget(ctx.res, redirect);
      if (client && typeof logout === 'string' && client.postLogoutRedirectUriAllowed(logout)) allowFormTarget(ctx.res, logout);
    }),
  );
}

/** The stored client_secret is a hash: compare the presented one against it in constant time. */
function installHashedSecrets(provider: Provider): void {
  const proto = provider.Client.prototype as unknown as { compareClientSecret(actual: string): Promise<boolean> | boolean; clientSecret?: string };
  proto.compareClientSecret = function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return verifySecret(actual, this.clientSecret);
  };
}

/** Every token carries a recognisable prefix, so leaked values are easy to spot and scan for. */
function installTokenPrefixes(provider: Provider): void {
  const models: Array<[{ prototype: { generateTokenId(): string } }, string]> = [
    [provider.AccessToken as never, PREFIX.accessToken],
    [provider.AuthorizationCode as never, PREFIX.authorizationCode],
    [provider.RefreshToken as never, PREFIX.refreshToken],
    [provider.ClientCredentials as never, PREFIX.clientCredentials],
    [provider.RegistrationAccessToken as never, PREFIX.registrationAccessToken],
    [provider.InitialAccessToken as never, PREFIX.initialAccessToken],
  ];
  for (const [model, prefix] of models) {
    const original = model.prototype.generateTokenId;
    model.prototype.generateTokenId = function generateTokenId(this: unknown) {
      return `${prefix}${original.call(this)}`;
    };
  }
}
