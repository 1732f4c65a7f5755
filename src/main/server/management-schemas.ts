import { z } from 'zod';
import { appShapeProblems, appsCreateInput, appsUpdateInput, PKCE_POLICIES, redirectUriSchema, type App } from '../../shared/contract/apps';

const { workspaceId: _workspaceId, ...createFields } = appsCreateInput.shape;
const { id: _id, ...updateFields } = appsUpdateInput.shape;

/** Seed 001's single redirect URI, accepted as a shorthand for `redirectUris: [uri]`. */
const redirectUriField = redirectUriSchema.optional().describe('Redirect URI for the OAuth flow (shorthand for redirectUris with one entry)');

function oneRedirectForm(body: { redirectUri?: string | undefined; redirectUris?: string[] | undefined }, ctx: z.RefinementCtx): void {
  if (body.redirectUri !== undefined && body.redirectUris !== undefined && body.redirectUris.length > 0) {
    ctx.addIssue({ code: 'custom', message: 'give redirectUri or redirectUris, not both', path: ['redirectUri'] });
  }
}

/**
 * `POST /api/v1/oauth/applications`: seed 001's fields (name 1-100,
 * description up to 500, redirectUri, scopes required) plus ours. The
 * workspace is the caller's.
 */
export const createApplicationBody = z
  .strictObject({ ...createFields, redirectUri: redirectUriField })
  .superRefine((body, ctx) => {
    oneRedirectForm(body, ctx);
    const redirectUris = body.redirectUri !== undefined ? [body.redirectUri] : body.redirectUris;
    for (const problem of appShapeProblems({ ...body, redirectUris })) {
      const field = problem.field === 'redirectUris' && body.redirectUri !== undefined ? 'redirectUri' : problem.field;
      ctx.addIssue({ code: 'custom', message: problem.message, path: [field] });
    }
  });
export type CreateApplicationBody = z.output<typeof createApplicationBody>;

/** `PATCH /api/v1/oauth/applications/{id}`: any subset of the changeable fields. */
export const updateApplicationBody = z.strictObject({ ...updateFields, redirectUri: redirectUriField }).superRefine(oneRedirectForm);
export type UpdateApplicationBody = z.output<typeof updateApplicationBody>;

const isoTime = z.string().describe('ISO 8601 time');

export const applicationSchema = z.object({
  id: z.string().describe('The client id (oc_app_…)'),
  clientId: z.string(),
  workspaceId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  clientType: z.enum(['public', 'confidential']),
  redirectUri: z.string().nullable().describe('The first redirect URI'),
  redirectUris: z.array(z.string()),
  postLogoutRedirectUris: z.array(z.string()),
  scopes: z.array(z.string()),
  grantTypes: z.array(z.string()),
  actorModes: z.array(z.string()),
  environment: z.string(),
  consentPolicy: z.string().nullable(),
  pkcePolicy: z.enum(PKCE_POLICIES).describe('required (always for public apps), optional, or managed: the server originates and checks PKCE'),
  singleLiveToken: z.boolean().describe('A new access or client-credentials token revokes the earlier live ones of the same workspace and actor'),
  idTokenClaims: z.boolean().describe('The ID token carries the claims of the granted scopes (name, email, …), not only sub; userinfo answers them either way'),
  homepageUrl: z.string().nullable(),
  logoUrl: z.string().nullable(),
  privacyUrl: z.string().nullable(),
  termsUrl: z.string().nullable(),
  secretHint: z.string().nullable().describe('Last four characters of the client secret'),
  secretRotatedAt: isoTime.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type Application = z.infer<typeof applicationSchema>;

export const applicationWithSecretSchema = applicationSchema.extend({
  clientSecret: z.string().nullable().describe('The client secret (confidential apps): returned this once, stored only as a hash'),
});

export const applicationListSchema = z.object({ data: z.array(applicationSchema), nextCursor: z.string().nullable() });

export const errorSchema = z.object({
  error: z.string().describe('invalid_request, invalid_token, insufficient_scope, forbidden, not_found, conflict'),
  error_description: z.string(),
  fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  scope: z.string().optional(),
});

export function toApplication(app: App): Application {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: app.id,
    clientId: app.id,
    workspaceId: app.workspaceId,
    name: app.name,
    description: app.description,
    clientType: app.clientType,
    redirectUri: app.redirectUris[0] ?? null,
    redirectUris: app.redirectUris,
    postLogoutRedirectUris: app.postLogoutRedirectUris,
    scopes: app.scopes,
    grantTypes: app.grantTypes,
    actorModes: app.actorModes,
    environment: app.environment,
    consentPolicy: app.consentPolicy,
    pkcePolicy: app.pkcePolicy,
    singleLiveToken: app.singleLiveToken,
    idTokenClaims: app.idTokenClaims,
    homepageUrl: app.homepageUrl,
    logoUrl: app.logoUrl,
    privacyUrl: app.privacyUrl,
    termsUrl: app.termsUrl,
    secretHint: app.secretHint,
    secretRotatedAt: app.secretRotatedAt === null ? null : iso(app.secretRotatedAt),
    createdAt: iso(app.createdAt),
    updatedAt: iso(app.updatedAt),
  };
}
