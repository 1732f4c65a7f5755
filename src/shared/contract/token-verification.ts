import { z } from 'zod';

/** Longest pasted token, key or URL accepted (a JWKS of a few dozen keys fits). */
export const VERIFY_LIMITS = { token: 16_384, key: 65_536, url: 2048, expected: 2048 } as const;

/**
 * Verify a JWT's signature against a key the caller gives, not this
 * server's: a pasted public key (a JWK, a JWKS, or PEM: SPKI public key,
 * PKCS#1 RSA public key, X.509 certificate) or a JWKS URL the server
 * fetches (http or https, loopback allowed, a size limit and a timeout).
 * Exactly one of `key` and `jwksUrl`. `expectedIssuer` and
 * `expectedAudience`, when given, are checked; otherwise the claims are
 * only shown.
 */
export const tokensVerifyInput = z
  .strictObject({
    token: z.string().trim().min(1, 'must not be empty').max(VERIFY_LIMITS.token, `must be at most ${VERIFY_LIMITS.token} characters`),
    key: z.string().trim().min(1, 'must not be empty').max(VERIFY_LIMITS.key, `must be at most ${VERIFY_LIMITS.key} characters`).optional(),
    jwksUrl: z
      .string()
      .trim()
      .max(VERIFY_LIMITS.url, `must be at most ${VERIFY_LIMITS.url} characters`)
      .refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), 'must be an http or https URL')
      .optional(),
    expectedIssuer: z.string().trim().min(1).max(VERIFY_LIMITS.expected).optional(),
    expectedAudience: z.string().trim().min(1).max(VERIFY_LIMITS.expected).optional(),
  })
  .superRefine((input, ctx) => {
    if ((input.key === undefined) === (input.jwksUrl === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of key or jwksUrl', path: ['key'] });
  });
export type TokensVerifyInput = z.input<typeof tokensVerifyInput>;

export const VERIFY_CHECKS = ['signature', 'expiry', 'not_before', 'issuer', 'audience'] as const;

/** One line of the verdict: `failed` makes the token invalid; `info` is shown, not judged. */
export const verifyCheckSchema = z.object({
  check: z.enum(VERIFY_CHECKS),
  result: z.enum(['ok', 'failed', 'info']),
  detail: z.string(),
});
export type VerifyCheck = z.infer<typeof verifyCheckSchema>;

export const tokensVerifyOutput = z.object({
  /** `valid`: the signature checks with the given key and no other check failed. */
  verdict: z.enum(['valid', 'invalid']),
  signatureValid: z.boolean(),
  /** The token's header `alg` and `kid`. */
  alg: z.string().nullable(),
  kid: z.string().nullable(),
  /** Where the key came from, and how many keys it offered. */
  keySource: z.enum(['jwk', 'jwks', 'pem', 'jwks_url']),
  keyCount: z.number().int(),
  /** The `kid` of the key that verified it, when the key has one. */
  matchedKid: z.string().nullable(),
  iss: z.unknown(),
  aud: z.unknown(),
  /** Seconds since the epoch, as in the token; null when absent. */
  exp: z.number().nullable(),
  checks: z.array(verifyCheckSchema),
  header: z.record(z.string(), z.unknown()),
  payload: z.record(z.string(), z.unknown()),
});
export type TokenVerification = z.infer<typeof tokensVerifyOutput>;
