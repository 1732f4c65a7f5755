import { z } from 'zod';
import { redirectUriProblem } from '../redirect-uris';
import { ACTOR_MODES, SCOPE_NAMES } from '../scopes';
import { CONSENT_POLICIES } from '../settings';
import { cursorSchema, idSchema, limitSchema, pageSchema, timestampSchema, webUrlSchema } from './common';
import type { FieldError } from './errors';

export const CLIENT_TYPES = ['public', 'confidential'] as const;
/** Where an app came from; `dynamic`: RFC 7591 registration, `cimd`: a Client ID Metadata Document (its client id is the document's URL). */
export const APP_ORIGINS = ['console', 'api', 'dynamic', 'seed', 'cimd'] as const;
/** RFC 8628's grant type: a device without a browser shows a code the user enters elsewhere. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
/**
 * Seed 000's PKCE policies: `required` (always, and the only one for public
 * apps), `optional` (S256 if the client sends it), `managed` (the server
 * originates and checks PKCE for a confidential client that cannot).
 */
export const PKCE_POLICIES = ['required', 'optional', 'managed'] as const;
export type PkcePolicy = (typeof PKCE_POLICIES)[number];

/** A new app's PKCE policy when none is given: public apps must use PKCE; confidential ones may. */
export function defaultPkcePolicy(clientType: (typeof CLIENT_TYPES)[number]): PkcePolicy {
  return clientType === 'public' ? 'required' : 'optional';
}

/** One redirect URI, checked by the seeds' rules (exact, https or loopback http, private-use schemes). */
export const redirectUriSchema = z.string().superRefine((value, ctx) => {
  const problem = redirectUriProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A scope from the catalog. */
export const scopeNameSchema = z.string().superRefine((value, ctx) => {
  if (!SCOPE_NAMES.includes(value)) ctx.addIssue({ code: 'custom', message: `unknown scope (known: ${SCOPE_NAMES.join(', ')})` });
});

const uniqueList = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max, `at most ${max} entries`)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        if (seen.has(value)) ctx.addIssue({ code: 'custom', message: 'listed twice', path: [index] });
        seen.add(value);
      });
    });

const nameSchema = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const descriptionSchema = z.string().trim().max(500, 'must be at most 500 characters');
const environmentSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 _.-]*$/, 'letters, digits, space, dot, dash and underscore only');

/** The parts of an app's configuration whose combination must make sense. */
export interface AppShape {
  clientType: (typeof CLIENT_TYPES)[number];
  grantTypes: readonly string[];
  redirectUris: readonly string[];
  scopes: readonly string[];
  actorModes: readonly string[];
  /** Absent: the default for the client type. */
  pkcePolicy?: PkcePolicy | undefined;
}

/**
 * Rules across fields: public apps cannot use client credentials (they have
 * no secret); the code flow needs a redirect URI; refresh tokens come from
 * a user grant (code or device flow); the `app` actor needs a way to get a
 * token for the bot; public apps always require PKCE.
 */
export function appShapeProblems(app: AppShape): FieldError[] {
  const problems: FieldError[] = [];
  if (app.clientType === 'public' && app.grantTypes.includes('client_credentials')) {
    problems.push({ field: 'grantTypes', message: 'public apps have no secret, so they cannot use client_credentials' });
  }
  if (app.grantTypes.includes('authorization_code') && app.redirectUris.length === 0) {
    problems.push({ field: 'redirectUris', message: 'the authorization_code grant needs at least one redirect URI' });
  }
  const userGrant = app.grantTypes.includes('authorization_code') || app.grantTypes.includes(DEVICE_CODE_GRANT);
  if (app.grantTypes.includes('refresh_token') && !userGrant) {
    problems.push({ field: 'grantTypes', message: 'refresh_token needs the authorization_code or device_code grant' });
  }
  if (app.clientType === 'public' && app.pkcePolicy !== undefined && app.pkcePolicy !== 'required') {
    problems.push({ field: 'pkcePolicy', message: 'public apps cannot keep a secret, so PKCE is required for them' });
  }
  if (!userGrant && !app.actorModes.includes('app')) {
    problems.push({ field: 'actorModes', message: 'an app without a user sign-in grant (authorization_code, device_code) can only act as itself: include "app"' });
  }
  return problems;
}

/** A lifetime override: 1 s to 10 years, or null to follow the server. */
const lifetimeSchema = z.number().int().min(1, 'at least 1 second').max(10 * 365 * 86_400, 'at most 10 years').nullable();

export const appLifetimesSchema = z.object({
  accessToken: z.number().int().nullable(),
  refreshToken: z.number().int().nullable(),
  idToken: z.number().int().nullable(),
  authorizationCode: z.number().int().nullable(),
});
export type AppLifetimes = z.infer<typeof appLifetimesSchema>;

/**
 * Per-app lifetimes for expiry testing (seconds; null follows the server).
 * The app's access-token lifetime wins over a resource server's: it is the
 * narrower choice, made for one client under test.
 */
export const appLifetimesInput = z.strictObject({
  accessToken: lifetimeSchema,
  refreshToken: lifetimeSchema,
  idToken: lifetimeSchema,
  authorizationCode: lifetimeSchema,
});

export const appSchema = z.object({
  id: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  homepageUrl: z.string().nullable(),
  logoUrl: z.string().nullable(),
  privacyUrl: z.string().nullable(),
  termsUrl: z.string().nullable(),
  clientType: z.enum(CLIENT_TYPES),
  tokenEndpointAuthMethod: z.string(),
  /** The last four characters of the current secret: "ends with …". */
  secretHint: z.string().nullable(),
  secretRotatedAt: timestampSchema.nullable(),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  grantTypes: z.array(z.string()),
  scopes: z.array(z.string()),
  actorModes: z.array(z.enum(ACTOR_MODES)),
  environment: z.string(),
  origin: z.enum(APP_ORIGINS),
  /** The app's own policy; null follows the server's. */
  consentPolicy: z.enum(CONSENT_POLICIES).nullable(),
  /** What applies now: the app's policy, else the server's. */
  effectiveConsentPolicy: z.enum(CONSENT_POLICIES),
  pkcePolicy: z.enum(PKCE_POLICIES),
  /** A new access or client-credentials token revokes the app's earlier live ones for the same workspace and actor. */
  singleLiveToken: z.boolean(),
  /** The ID token carries the claims of the granted scopes (profile, email, groups, roles, workspace), not only `sub`; userinfo answers them either way. */
  idTokenClaims: z.boolean(),
  /** Lifetime overrides for expiry testing (seconds; null follows the server). */
  lifetimes: appLifetimesSchema,
  metadata: z.record(z.string(), z.unknown()),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type App = z.infer<typeof appSchema>;

export const appStatsSchema = z.object({
  /** Live access, refresh and client-credentials tokens. */
  activeTokens: z.number().int(),
  /** Live grants (users or bots connected). */
  activeConnections: z.number().int(),
  /** When the app last got a code or token (a sign-in, a refresh, a client-credentials call). */
  lastUsedAt: timestampSchema.nullable(),
});

export const appsListInput = z.strictObject({
  /** Matches name, client id or description (case-insensitive). */
  search: z.string().trim().max(200).optional(),
  workspaceId: idSchema.optional(),
  clientType: z.enum(CLIENT_TYPES).optional(),
  origin: z.enum(APP_ORIGINS).optional(),
  environment: environmentSchema.optional(),
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
export const appsListOutput = pageSchema(appSchema);

export const appIdInput = z.strictObject({ id: idSchema });

export const appsGetOutput = appSchema.extend({ stats: appStatsSchema });

const appFields = {
  name: nameSchema,
  description: descriptionSchema.nullable(),
  homepageUrl: webUrlSchema.nullable(),
  logoUrl: webUrlSchema.nullable(),
  privacyUrl: webUrlSchema.nullable(),
  termsUrl: webUrlSchema.nullable(),
  redirectUris: uniqueList(redirectUriSchema, 20),
  postLogoutRedirectUris: uniqueList(redirectUriSchema, 20),
  grantTypes: uniqueList(z.enum(GRANT_TYPES), GRANT_TYPES.length).min(1, 'at least one grant type'),
  scopes: uniqueList(scopeNameSchema, SCOPE_NAMES.length).min(1, 'at least one scope'),
  actorModes: uniqueList(z.enum(ACTOR_MODES), ACTOR_MODES.length).min(1, 'at least one actor mode'),
  environment: environmentSchema,
  consentPolicy: z.enum(CONSENT_POLICIES).nullable(),
  pkcePolicy: z.enum(PKCE_POLICIES),
  singleLiveToken: z.boolean(),
  idTokenClaims: z.boolean(),
};

export const appsCreateInput = z
  .strictObject({
    workspaceId: idSchema,
    name: appFields.name,
    description: appFields.description.optional(),
    homepageUrl: appFields.homepageUrl.optional(),
    logoUrl: appFields.logoUrl.optional(),
    privacyUrl: appFields.privacyUrl.optional(),
    termsUrl: appFields.termsUrl.optional(),
    clientType: z.enum(CLIENT_TYPES).default('confidential'),
    redirectUris: appFields.redirectUris.default([]),
    postLogoutRedirectUris: appFields.postLogoutRedirectUris.default([]),
    grantTypes: appFields.grantTypes.default(['authorization_code', 'refresh_token']),
    scopes: appFields.scopes,
    actorModes: appFields.actorModes.default(['self']),
    environment: appFields.environment.default('development'),
    consentPolicy: appFields.consentPolicy.default(null),
    /** Absent: `required` for public apps, `optional` for confidential ones. */
    pkcePolicy: appFields.pkcePolicy.optional(),
    singleLiveToken: appFields.singleLiveToken.default(false),
    idTokenClaims: appFields.idTokenClaims.default(false),
  })
  .superRefine((app, ctx) => {
    for (const problem of appShapeProblems(app)) ctx.addIssue({ code: 'custom', message: problem.message, path: [problem.field] });
  });
export type AppsCreateInput = z.input<typeof appsCreateInput>;

/** Create and rotate answer with the secret: shown this once, stored only as a hash. */
export const appWithSecretSchema = z.object({
  app: appSchema,
  /** The client secret (confidential apps), null for public apps. Shown once. */
  clientSecret: z.string().nullable(),
});

/** Every field but the workspace can change; the merged result is checked with `appShapeProblems`. */
export const appsUpdateInput = z.strictObject({
  id: idSchema,
  name: appFields.name.optional(),
  description: appFields.description.optional(),
  homepageUrl: appFields.homepageUrl.optional(),
  logoUrl: appFields.logoUrl.optional(),
  privacyUrl: appFields.privacyUrl.optional(),
  termsUrl: appFields.termsUrl.optional(),
  redirectUris: appFields.redirectUris.optional(),
  postLogoutRedirectUris: appFields.postLogoutRedirectUris.optional(),
  grantTypes: appFields.grantTypes.optional(),
  scopes: appFields.scopes.optional(),
  actorModes: appFields.actorModes.optional(),
  environment: appFields.environment.optional(),
  consentPolicy: appFields.consentPolicy.optional(),
  pkcePolicy: appFields.pkcePolicy.optional(),
  singleLiveToken: appFields.singleLiveToken.optional(),
  idTokenClaims: appFields.idTokenClaims.optional(),
  lifetimes: appLifetimesInput.optional(),
});
export type AppsUpdateInput = z.input<typeof appsUpdateInput>;

export const appsDeleteOutput = z.object({
  deleted: z.literal(true),
  /** Tokens and grants of the app that were still live and are now revoked. */
  revokedTokens: z.number().int(),
});

export const appsSetConsentPolicyInput = z.strictObject({
  id: idSchema,
  /** null: follow the server's consent policy. */
  consentPolicy: z.enum(CONSENT_POLICIES).nullable(),
});
