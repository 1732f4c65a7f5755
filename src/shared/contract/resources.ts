import { z } from 'zod';
import { isLoopbackHost } from '../redirect-uris';
import { SCOPE_CATALOG, SCOPE_NAMES } from '../scopes';
import { idSchema, timestampSchema } from './common';
import type { FieldError } from './errors';

/** RFC 9068 JWT access tokens (`jwt`, with `aud`) or the server's opaque ones (`opaque`). */
export const TOKEN_FORMATS = ['opaque', 'jwt'] as const;
export type TokenFormat = (typeof TOKEN_FORMATS)[number];

/** The catalog's resource scopes: those a resource server may offer (OIDC scopes are for userinfo, not APIs). */
export const RESOURCE_CATALOG_SCOPES: readonly string[] = SCOPE_CATALOG.filter((s) => s.kind === 'resource').map((s) => s.name);

/**
 * Checks a resource identifier (RFC 8707 §2): an absolute URI without a
 * fragment; https, or plain http for loopback hosts (as redirect URIs); no
 * credentials, no query (the RFC says it SHOULD NOT have one). Returns an
 * error message or null. Identifiers are compared exactly, as strings.
 */
export function resourceIdentifierProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 2000) return 'must be at most 2000 characters';
  if (/\s/.test(value)) return 'must not contain spaces';
  const url = URL.parse(value);
  if (!url) return 'must be an absolute URI, such as https://api.example.com';
  if (value.includes('#')) return 'must not contain a fragment (#)';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.search || value.includes('?')) return 'must not contain a query (RFC 8707: the resource is named by its scheme, host and path)';
  if (url.protocol === 'https:') return url.hostname ? null : 'must name a host';
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname) ? null : 'must use https (plain http is allowed only for localhost, 127.0.0.1 and [::1])';
  return 'must use https (or http for a loopback host)';
}

export const resourceIdentifierSchema = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = resourceIdentifierProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** An OAuth scope-token (RFC 6749 §3.3): printable ASCII without space, `"` or `\`. */
const scopeTokenSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'letters, digits and punctuation only, without spaces, quotes or backslashes (RFC 6749 scope-token)');

export const customScopeSchema = z.strictObject({
  name: scopeTokenSchema,
  /** What the consent screen says the app will be able to do. */
  description: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});
export type CustomScope = z.infer<typeof customScopeSchema>;

const catalogScopeSchema = z.string().superRefine((value, ctx) => {
  if (!RESOURCE_CATALOG_SCOPES.includes(value)) {
    const why = SCOPE_NAMES.includes(value) ? 'is an OpenID Connect scope (for sign-in and userinfo), not an API scope' : 'is not in the scope catalog (add it as a custom scope)';
    ctx.addIssue({ code: 'custom', message: `${why}; catalog API scopes: ${RESOURCE_CATALOG_SCOPES.join(', ')}` });
  }
});

/** The parts of a resource server whose combination must make sense. */
export interface ResourceScopesShape {
  scopes: readonly string[];
  customScopes: ReadonlyArray<{ name: string }>;
}

/**
 * Each scope listed once; a custom scope does not reuse a catalog name. No
 * scope at all is allowed: an API that needs only a valid token for its
 * audience (many MCP servers do); its metadata then advertises none, and
 * MCP clients ask without `scope` (the server's default applies).
 */
export function resourceScopeProblems(shape: ResourceScopesShape): FieldError[] {
  const problems: FieldError[] = [];
  const seen = new Set<string>();
  shape.scopes.forEach((name, index) => {
    if (seen.has(name)) problems.push({ field: `scopes.${index}`, message: 'listed twice' });
    seen.add(name);
  });
  shape.customScopes.forEach((scope, index) => {
    if (SCOPE_NAMES.includes(scope.name)) problems.push({ field: `customScopes.${index}.name`, message: 'is a catalog scope: choose it from the catalog instead' });
    else if (seen.has(scope.name)) problems.push({ field: `customScopes.${index}.name`, message: 'listed twice' });
    seen.add(scope.name);
  });
  return problems;
}

/** Access-token lifetime in seconds: 1 s to a year; null follows the server's setting. */
const ttlSchema = z.number().int('must be a whole number of seconds').min(1, 'must be at least 1 second').max(365 * 86400, 'must be at most a year (31536000 seconds)').nullable();

export const protectedResourceMetadataSchema = z.object({
  resource: z.string(),
  authorization_servers: z.array(z.string()),
  scopes_supported: z.array(z.string()),
  bearer_methods_supported: z.array(z.string()),
  resource_name: z.string(),
});

export const resourceServerSchema = z.object({
  id: z.string(),
  /** The RFC 8707 `resource` value clients send; the `aud` of the tokens issued for it. */
  identifier: z.string(),
  /** The sample API and the sample MCP server of this server: their identifier follows the issuer; they cannot be deleted. */
  builtIn: z.boolean(),
  name: z.string(),
  /** Catalog scopes it offers. */
  scopes: z.array(z.string()),
  /** Its own scopes, with what they allow. */
  customScopes: z.array(customScopeSchema),
  tokenFormat: z.enum(TOKEN_FORMATS),
  /** Seconds; null follows the server's access-token (or client-credentials) lifetime. */
  accessTokenTtl: z.number().int().nullable(),
  /** The RFC 9728 document clients read, as this server serves it (built-in) or as yours should. */
  metadata: protectedResourceMetadataSchema,
  /** Where the document lives (RFC 9728 §3.1); this server serves it for the built-in ones only. */
  metadataUrl: z.string(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type ResourceServer = z.infer<typeof resourceServerSchema>;

export const resourcesListInput = z.strictObject({
  /** Matches name or identifier (case-insensitive). */
  search: z.string().trim().max(200).optional(),
});
export const resourcesListOutput = z.object({ items: z.array(resourceServerSchema) });

export const resourceIdInput = z.strictObject({ id: idSchema });

const fields = {
  identifier: resourceIdentifierSchema,
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  scopes: z.array(catalogScopeSchema).max(RESOURCE_CATALOG_SCOPES.length, `at most ${RESOURCE_CATALOG_SCOPES.length} entries`),
  customScopes: z.array(customScopeSchema).max(50, 'at most 50 entries'),
  tokenFormat: z.enum(TOKEN_FORMATS),
  accessTokenTtl: ttlSchema,
};

export const resourcesCreateInput = z
  .strictObject({
    identifier: fields.identifier,
    name: fields.name,
    scopes: fields.scopes.default([]),
    customScopes: fields.customScopes.default([]),
    tokenFormat: fields.tokenFormat.default('opaque'),
    accessTokenTtl: fields.accessTokenTtl.default(null),
  })
  .superRefine((input, ctx) => {
    for (const problem of resourceScopeProblems(input)) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) });
  });
export type ResourcesCreateInput = z.input<typeof resourcesCreateInput>;

/** Every field can change, but a built-in resource server keeps its identifier; the merged result is checked with `resourceScopeProblems`. */
export const resourcesUpdateInput = z.strictObject({
  id: idSchema,
  identifier: fields.identifier.optional(),
  name: fields.name.optional(),
  scopes: fields.scopes.optional(),
  customScopes: fields.customScopes.optional(),
  tokenFormat: fields.tokenFormat.optional(),
  accessTokenTtl: fields.accessTokenTtl.optional(),
});
export type ResourcesUpdateInput = z.input<typeof resourcesUpdateInput>;

export const resourcesDeleteOutput = z.object({ deleted: z.literal(true) });
