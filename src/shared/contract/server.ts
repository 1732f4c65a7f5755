import { z } from 'zod';
import type { ConsentViewModel } from '../consent/ConsentScreen';
import { ACTOR_MODES } from '../scopes';
import { CONSENT_POLICIES, serverSettingsSchema } from '../settings';
import { idSchema, timestampSchema } from './common';

export const signingKeySchema = z.object({
  kid: z.string(),
  alg: z.string(),
  /** `active` keys sign; `retired` keys stay published so earlier tokens still verify. */
  status: z.enum(['active', 'retired']),
  createdAt: timestampSchema,
});

export const serverStatusOutput = z.object({
  issuer: z.string(),
  host: z.string(),
  port: z.number().int(),
  startedAt: timestampSchema,
  uptimeSeconds: z.number().int(),
  /** Newest applied migration, and the newest this build knows. */
  schemaVersion: z.string(),
  latestSchemaVersion: z.string(),
  dataDir: z.string(),
  /** The SQLite file, or the PostgreSQL database's URL without its password. */
  databaseFile: z.string(),
  /** Which database holds the state: the embedded SQLite file, or a PostgreSQL server (`--database`). */
  databaseDialect: z.enum(['sqlite', 'postgres']),
  /** Where the master key lives: `file`, `keychain`, ... */
  masterKeyKind: z.string(),
  /** The master key's status: `warning` when it sits in a file next to the database. */
  masterKey: z.object({ store: z.string(), level: z.enum(['ok', 'warning']), message: z.string() }),
  counts: z.object({
    workspaces: z.number().int(),
    users: z.number().int(),
    apps: z.number().int(),
    activeTokens: z.number().int(),
    activeConnections: z.number().int(),
    events: z.number().int(),
  }),
  signingKeys: z.array(signingKeySchema),
  /** `full`: the disk holding the database is full since `since`; writes fail and clients get 503 until space returns. */
  storage: z.object({ state: z.enum(['ok', 'full']), since: timestampSchema.nullable(), message: z.string().nullable() }),
});

export const settingsSchema = serverSettingsSchema.extend({
  /** Where dynamically registered clients land; null: the oldest workspace. */
  registrationWorkspaceId: z.string().nullable(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsUpdateInput = serverSettingsSchema
  .partial()
  .extend({ registrationWorkspaceId: idSchema.nullable().optional() })
  .strict();

export const rotateKeysOutput = z.object({
  /** The new active keys, one per algorithm; tokens are signed with them from now on. */
  activeKids: z.array(z.string()),
  signingKeys: z.array(signingKeySchema),
});

export const initialAccessTokenInput = z.strictObject({
  /** Lifetime in seconds: 1 minute to 30 days, 1 day unless given. */
  expiresIn: z.number().int().min(60).max(30 * 86400).default(86400),
});
export const initialAccessTokenOutput = z.object({
  /** The token (`oc_iat_…`) for `Authorization: Bearer` on the registration endpoint. Shown once. */
  token: z.string(),
  expiresAt: timestampSchema,
  registrationEndpoint: z.string(),
});

/** Mirrors ConsentViewModel of src/shared/consent/ConsentScreen (checked at compile time). */
export const consentViewModelSchema = z.object({
  app: z.object({
    name: z.string(),
    clientId: z.string(),
    logoUrl: z.string().nullable(),
    homepageUrl: z.string().nullable(),
    privacyUrl: z.string().nullable(),
    termsUrl: z.string().nullable(),
    environment: z.string(),
  }),
  redirect: z.object({ host: z.string(), loopbackOnly: z.boolean() }).optional(),
  user: z.object({ name: z.string(), email: z.string() }),
  workspaces: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
  selectedWorkspaceId: z.string().nullable(),
  scopes: z.array(
    z.object({
      name: z.string(),
      description: z.string(),
      grantable: z.boolean(),
      note: z.string().optional(),
      /** The user's claims the scope releases, with their values ("this app will see"). */
      claims: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    }),
  ),
  actor: z.object({ mode: z.string(), description: z.string() }),
  resources: z.array(z.object({ name: z.string(), identifier: z.string() })).optional(),
  action: z.string().optional(),
  switchAction: z.string().optional(),
  csrf: z.string().optional(),
  preview: z.boolean().optional(),
});

type ConsentModelFromSchema = z.infer<typeof consentViewModelSchema>;
/** Fails to compile when the schema and the component's props drift apart. */
export const _consentModelMatches: [ConsentModelFromSchema] extends [ConsentViewModel] ? ([ConsentViewModel] extends [ConsentModelFromSchema] ? true : false) : false = true;

export const consentPreviewInput = z.strictObject({
  appId: idSchema,
  userId: idSchema,
  /** The workspace pre-selected on the screen; the app's own workspace unless given. */
  workspaceId: idSchema.optional(),
  /** Scopes to request; all of the app's scopes unless given. */
  scopes: z.array(z.string().min(1).max(100)).max(50).optional(),
  actor: z.enum(ACTOR_MODES).optional(),
  /** One of the app's redirect URIs; the first unless given. */
  redirectUri: z.string().max(2000).optional(),
  /** A resource server's id: the request asks for a token for it (RFC 8707 `resource`), and its own scopes may be asked for. */
  resourceId: idSchema.optional(),
});
export const consentPreviewOutput = z.object({
  model: consentViewModelSchema,
  /** The real authorization request for the same app, user, scopes and actor (PKCE S256). */
  authorizationUrl: z.string(),
  /** The PKCE verifier for `authorizationUrl`, to finish the flow by hand. */
  codeVerifier: z.string(),
  state: z.string(),
  /** What the server will do: show this screen (`prompt`) or decide alone. */
  effectiveConsentPolicy: z.enum(CONSENT_POLICIES),
});
