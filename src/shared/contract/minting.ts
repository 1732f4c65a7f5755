import { z } from 'zod';
import { ACTOR_MODES } from '../scopes';
import { idSchema } from './common';

/**
 * What "Mint a token" and "Evaluate" take: the same request a user's
 * consent would answer, without a browser.
 */
export const tokenRequestInput = z.strictObject({
  appId: idSchema,
  /** The user the tokens act for (or who authorizes the bot). Omit with actor `app` for the app's own bot token (client credentials). */
  userId: idSchema.optional(),
  /** `self` acts as the user (limited by the role), `app` as the app's bot; the app's first actor mode unless given. */
  actor: z.enum(ACTOR_MODES).optional(),
  /** The workspace the tokens are for; the app's own when the user belongs to it, else the user's first. */
  workspaceId: idSchema.optional(),
  /** The scopes asked for; the app's scopes unless given. */
  scopes: z.array(z.string().trim().min(1, 'must not be empty').max(200)).max(100).optional(),
  /** A resource server (RFC 8707): its identifier (the `resource` value, such as `<issuer>/mcp`) or its id. */
  resource: z.string().trim().min(1, 'must not be empty').max(2000).optional(),
});
export type TokenRequest = z.input<typeof tokenRequestInput>;

/** What the request comes to once the consent rules applied: the same for Mint and Evaluate. */
export const tokenPlanSchema = z.object({
  appId: z.string(),
  userId: z.string().nullable(),
  actor: z.enum(ACTOR_MODES),
  workspaceId: z.string().nullable(),
  /** The scopes granted, in the order asked. */
  scopes: z.array(z.string()),
  /** The resource's identifier (the access token's `aud`), when one was asked. */
  resource: z.string().nullable(),
  /** `client_credentials` for the bot token without a user, else a grant like a consent's. */
  grant: z.enum(['consent', 'client_credentials']),
});

export const tokensMintOutput = z.object({
  plan: tokenPlanSchema,
  /** The tokens, shown this once: only their hashes are stored. */
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
  scope: z.string(),
  /** When the app may use refresh tokens (its grant types include `refresh_token`). */
  refreshToken: z.string().nullable(),
  /** When `openid` was granted. */
  idToken: z.string().nullable(),
  /** The access token's stored id (for the inspector). */
  accessTokenId: z.string(),
  /** The grant's stored id (the connection); null for a client-credentials token. */
  grantId: z.string().nullable(),
});

const claimsSchema = z.record(z.string(), z.unknown());

export const tokensEvaluateOutput = z.object({
  plan: tokenPlanSchema,
  /** The ID token's claims, without those set per issue (iat, exp, auth_time, nonce, sid, at_hash); null without `openid`. */
  idToken: claimsSchema.nullable(),
  /** The access token's claims as introspection (or its JWT) shows them, without iat, exp and jti. */
  accessToken: claimsSchema,
  /** What userinfo answers with this access token; null when it does not accept it (no `openid`, or a token for a resource). */
  userinfo: claimsSchema.nullable(),
  /** Whether a refresh token comes with it. */
  refreshToken: z.boolean(),
  /** Why a part is as it is, in sentences. */
  notes: z.array(z.string()),
});
export type TokenPlan = z.infer<typeof tokenPlanSchema>;
export type TokenEvaluation = z.infer<typeof tokensEvaluateOutput>;
export type MintedTokens = z.infer<typeof tokensMintOutput>;
