import { z } from 'zod';
import { SCOPE_CATALOG } from './scopes';

/**
 * Claims the protocol and this server control: a user's extra claims may
 * not use these names (they would forge or shadow what the engine sets).
 */
export const PROTOCOL_CLAIMS = [
  'sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp',
  'at_hash', 'c_hash', 'sid', 'cnf', 'client_id', 'scope',
] as const;

/** The claims a user's own fields fill (the scope catalog's): set them through those fields. */
const CATALOG_CLAIMS = new Set(SCOPE_CATALOG.flatMap((s) => s.claims));

/** Extra claims travel in every ID token and userinfo answer that releases them: kept small. */
export const EXTRA_CLAIMS_MAX_BYTES = 4096;
export const EXTRA_CLAIMS_MAX_COUNT = 50;

/** Why an extra claim name is refused, or undefined when it may be used. */
export function extraClaimNameProblem(name: string): string | undefined {
  if (!/^[A-Za-z][\w.:-]{0,63}$/.test(name)) return `"${name}": a name starts with a letter and uses letters, digits, dot, colon, dash and underscore (at most 64)`;
  if ((PROTOCOL_CLAIMS as readonly string[]).includes(name)) return `"${name}" is a registered claim the server sets`;
  if (CATALOG_CLAIMS.has(name)) return `"${name}" is a standard claim; set it with its own field`;
  return undefined;
}

/** Any JSON value. */
const jsonValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

/**
 * A user's extra claims: a JSON object of claims the ID token and userinfo
 * release with the `profile` scope (see the README, "Test users").
 *
 * @example extraClaimsSchema.parse({ tenant: 'acme', beta: true })
 */
export const extraClaimsSchema = z.record(z.string(), jsonValue).superRefine((claims, ctx) => {
  const names = Object.keys(claims);
  if (names.length > EXTRA_CLAIMS_MAX_COUNT) ctx.addIssue({ code: 'custom', message: `at most ${EXTRA_CLAIMS_MAX_COUNT} extra claims` });
  for (const name of names) {
    const problem = extraClaimNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [name] });
  }
  if (new TextEncoder().encode(JSON.stringify(claims)).byteLength > EXTRA_CLAIMS_MAX_BYTES) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${EXTRA_CLAIMS_MAX_BYTES} bytes as JSON` });
  }
});
export type ExtraClaims = z.infer<typeof extraClaimsSchema>;

/** BCP 47 language tag (`en`, `en-GB`, `pt-BR`, `zh-Hant-TW`), as OIDC Core's `locale` wants. */
export const localeSchema = z
  .string()
  .trim()
  .max(35, 'must be at most 35 characters')
  .regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag such as en or en-GB');

/** E.164 (`+4915112345678`), as OIDC Core recommends for `phone_number`. */
export const phoneNumberSchema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number: + then 7 to 15 digits, such as +4915112345678');
