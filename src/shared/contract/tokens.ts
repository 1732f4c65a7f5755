import { z } from 'zod';
import { cursorSchema, idSchema, limitSchema, pageSchema, timestampSchema } from './common';

/** Token kinds as the console names them. */
export const TOKEN_KINDS = ['code', 'access', 'refresh', 'client_credentials'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/** A token's state; when several apply the first wins: revoked, consumed, expired, active. */
export const TOKEN_STATUSES = ['active', 'expired', 'revoked', 'consumed'] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

/** A stored token, without its value (only its SHA-256 is stored). */
export const tokenSchema = z.object({
  /** SHA-256 (hex) of the token value: the stored id. */
  id: z.string(),
  kind: z.enum(TOKEN_KINDS),
  status: z.enum(TOKEN_STATUSES),
  appId: z.string().nullable(),
  appName: z.string().nullable(),
  userId: z.string().nullable(),
  userEmail: z.string().nullable(),
  workspaceId: z.string().nullable(),
  /** The connection (grant) the token belongs to: its stored id. */
  grantId: z.string().nullable(),
  actor: z.string().nullable(),
  /** Issued by "Mint a token" (tokens.mint), not by a flow. */
  minted: z.boolean(),
  scopes: z.array(z.string()),
  /** DPoP (RFC 9449): the SHA-256 thumbprint of the key the token is bound to (`cnf.jkt`); null for a bearer token. */
  dpopJkt: z.string().nullable(),
  createdAt: timestampSchema,
  expiresAt: timestampSchema.nullable(),
  consumedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
  lastUsedAt: timestampSchema.nullable(),
});
export type Token = z.infer<typeof tokenSchema>;

export const tokensListInput = z.strictObject({
  appId: idSchema.optional(),
  userId: idSchema.optional(),
  workspaceId: idSchema.optional(),
  grantId: idSchema.optional(),
  kind: z.enum(TOKEN_KINDS).optional(),
  status: z.enum(TOKEN_STATUSES).optional(),
  /** Newest first; pass the previous page's `nextCursor` for the next one. */
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
export const tokensListOutput = pageSchema(tokenSchema);

/** Inspect a stored token by id, or any pasted value (opaque token or JWT). */
export const tokensInspectInput = z
  .strictObject({
    id: idSchema.optional(),
    /** A pasted token: looked up by its hash; never stored or logged. */
    value: z.string().trim().min(1, 'must not be empty').max(16_384, 'must be at most 16384 characters').optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.id === undefined) === (input.value === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of id or value', path: ['id'] });
  });

export const claimExplanationSchema = z.object({
  name: z.string(),
  value: z.unknown(),
  /** What the claim means, in a sentence, with times made readable. */
  explanation: z.string(),
});

export const jwtInspectionSchema = z.object({
  header: z.record(z.string(), z.unknown()),
  claims: z.array(claimExplanationSchema),
  signature: z.object({
    /** True when the signature checks against one of this server's keys. */
    verified: z.boolean(),
    kid: z.string().nullable(),
    alg: z.string().nullable(),
    /** The status of the key that signed it, when it is ours. */
    keyStatus: z.enum(['active', 'retired']).nullable(),
    /** Why it did not verify (unknown key, bad signature, wrong issuer, expired, ...). */
    problem: z.string().nullable(),
  }),
});

export const tokensInspectOutput = z.object({
  format: z.enum(['opaque', 'jwt']),
  /** The kind a value's prefix announces (`oc_at_` is an access token), when it has one of ours. */
  prefixKind: z.string().nullable(),
  /** The stored token, when one matches. */
  token: tokenSchema.nullable(),
  /** For a JWT: decoded header, explained claims and the verification result. */
  jwt: jwtInspectionSchema.nullable(),
  /** The resource the token is for (RFC 8707 `aud`): null when it was asked without `resource`, or nothing is known. */
  audience: z.string().nullable(),
  /** Plain-language findings: "not found", "revoked 5 minutes ago", "expired", ... */
  notes: z.array(z.string()),
  /**
   * The stored token's record as claims, in the shape RFC 7662 introspection
   * answers (active, client_id, sub, scope, iat, exp, aud) plus workspace_id
   * and actor: what an opaque value stands for. Absent when nothing is stored.
   */
  record: z.record(z.string(), z.unknown()).optional(),
});
export type TokenInspection = z.infer<typeof tokensInspectOutput>;

export const tokensRevokeInput = z.strictObject({ id: idSchema });
export const tokensRevokeOutput = z.object({
  /** 1 when the token was live and is now revoked; 0 when it was already revoked, used or expired. */
  revoked: z.number().int(),
});

/** Revoke every live token and grant of one app, one user, or one connection (grant). */
export const tokensRevokeAllInput = z
  .strictObject({ appId: idSchema.optional(), userId: idSchema.optional(), grantId: idSchema.optional() })
  .superRefine((input, ctx) => {
    const given = [input.appId, input.userId, input.grantId].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of appId, userId or grantId', path: ['appId'] });
  });
/** Counts of live tokens and grants now revoked (dead ones keep their status). */
export const tokensRevokeAllOutput = z.object({ revokedTokens: z.number().int(), revokedGrants: z.number().int() });

/** "Expire now" (not a revocation): one token, every live token of an app, or a grant and its tokens. */
export const tokensExpireInput = z
  .strictObject({ id: idSchema.optional(), appId: idSchema.optional(), grantId: idSchema.optional() })
  .superRefine((input, ctx) => {
    const given = [input.id, input.appId, input.grantId].filter((v) => v !== undefined).length;
    if (given !== 1) ctx.addIssue({ code: 'custom', message: 'give exactly one of id, appId or grantId', path: ['id'] });
  });
/** How many live rows reached their expiry (dead ones keep their status). */
export const tokensExpireOutput = z.object({ expired: z.number().int() });

/** A connection: one user's (or bot's) consent grant to one app in one workspace. */
export const connectionSchema = z.object({
  /** The grant's stored id. */
  id: z.string(),
  appId: z.string().nullable(),
  appName: z.string().nullable(),
  userId: z.string().nullable(),
  userEmail: z.string().nullable(),
  userName: z.string().nullable(),
  workspaceId: z.string().nullable(),
  workspaceName: z.string().nullable(),
  actor: z.string().nullable(),
  /** Made by "Mint a token" (tokens.mint) rather than by the user's consent. */
  minted: z.boolean(),
  scopes: z.array(z.string()),
  createdAt: timestampSchema,
  expiresAt: timestampSchema.nullable(),
  /** Latest use of any token of the grant (or its latest issue). */
  lastUsedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
  activeTokens: z.number().int(),
});
export type Connection = z.infer<typeof connectionSchema>;

export const connectionsListInput = z.strictObject({
  userId: idSchema.optional(),
  appId: idSchema.optional(),
  workspaceId: idSchema.optional(),
  status: z.enum(['active', 'revoked', 'all']).default('active'),
  limit: limitSchema,
  cursor: cursorSchema.optional(),
});
export const connectionsListOutput = pageSchema(connectionSchema);
export const connectionsRevokeInput = z.strictObject({ id: idSchema });
/** Live tokens of the connection now revoked. */
export const connectionsRevokeOutput = z.object({ revokedTokens: z.number().int() });
