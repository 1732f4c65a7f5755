import { z } from 'zod';
import { SCOPE_NAMES } from './scopes';

export const CONSENT_POLICIES = ['prompt', 'auto-approve', 'auto-deny'] as const;
export type ConsentPolicy = (typeof CONSENT_POLICIES)[number];

export const REGISTRATION_POLICIES = ['open', 'initial-access-token', 'off'] as const;
export type RegistrationPolicy = (typeof REGISTRATION_POLICIES)[number];

/** A space-separated list of catalog scopes, each once; empty is allowed. No transform: the contract is also a JSON Schema (REST, MCP). */
const scopeList = z
  .string()
  .trim()
  .max(500, 'must be at most 500 characters')
  .superRefine((value, ctx) => {
    const names = value.split(/\s+/).filter(Boolean);
    const unknown = names.filter((name) => !SCOPE_NAMES.includes(name));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown scope ${unknown.join(', ')} (known: ${SCOPE_NAMES.join(', ')})` });
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', message: 'a scope is listed twice' });
  });

const seconds = (max: number) => z.number().int().min(1).max(max);
/** A budget per minute and per key; 0 turns that limit off. */
const perMinute = z.number().int().min(0).max(1_000_000);

/** Server settings, stored as data and applied to the engine without a restart. */
export const serverSettingsSchema = z.object({
  /** Authorization code lifetime, seconds (seeds: 5 minutes, single use). */
  authorizationCodeTtl: seconds(3600),
  /** Access token lifetime, seconds (seeds: 24 hours). */
  accessTokenTtl: seconds(365 * 86400),
  /** Refresh token lifetime, seconds; 0 keeps it valid until revoked (seeds). */
  refreshTokenTtl: z.number().int().min(0).max(10 * 365 * 86400),
  /** Client-credentials token lifetime, seconds. */
  clientCredentialsTtl: seconds(365 * 86400),
  /** ID token lifetime, seconds. */
  idTokenTtl: seconds(86400),
  /** Sign-in session lifetime, seconds. */
  sessionTtl: seconds(365 * 86400),
  consentPolicy: z.enum(CONSENT_POLICIES),
  registrationPolicy: z.enum(REGISTRATION_POLICIES),
  /**
   * Scopes an authorization, device or pushed request without `scope` asks for when
   * its app has no registered scope (the MCP SDK sends none); empty: nothing is filled in.
   */
  defaultScope: scopeList,
  /**
   * Client ID Metadata Documents at loopback http URLs (`http://localhost:3000/client.json`):
   * for local development only; off, only https documents on public hosts are fetched.
   */
  allowLoopbackMetadataDocuments: z.boolean(),
  /** Master switch of the rate limits below (`--no-rate-limit` turns them off for one run). */
  rateLimitsEnabled: z.boolean(),
  /** Token requests per client and address; loopback peers are exempt (local tools, the benchmark). */
  tokenRequestsPerMinute: perMinute,
  /** Failed token requests (bad secret, code, refresh token) per client and address, loopback included. */
  tokenFailuresPerMinute: perMinute,
  /** Dynamic registrations per address; loopback peers are exempt. */
  registrationsPerMinute: perMinute,
  /** Sign-in and consent form posts per address; loopback peers are exempt. */
  signInPostsPerMinute: perMinute,
  /** Wrong admin tokens per address (the admin service answers loopback only, so per machine). */
  adminFailuresPerMinute: perMinute,
  /** Days the activity log keeps an event; the sweeper deletes older ones (the log is bounded). */
  activityRetentionDays: z.number().int().min(1).max(3650),
});

export type ServerSettings = z.infer<typeof serverSettingsSchema>;
export type RateLimitSettings = Pick<
  ServerSettings,
  'rateLimitsEnabled' | 'tokenRequestsPerMinute' | 'tokenFailuresPerMinute' | 'registrationsPerMinute' | 'signInPostsPerMinute' | 'adminFailuresPerMinute'
>;

export const DEFAULT_SETTINGS: ServerSettings = {
  authorizationCodeTtl: 300,
  accessTokenTtl: 86400,
  refreshTokenTtl: 0,
  clientCredentialsTtl: 86400,
  idTokenTtl: 3600,
  sessionTtl: 14 * 86400,
  consentPolicy: 'prompt',
  registrationPolicy: 'open',
  defaultScope: 'openid profile read:user',
  allowLoopbackMetadataDocuments: false,
  rateLimitsEnabled: true,
  tokenRequestsPerMinute: 600,
  tokenFailuresPerMinute: 60,
  registrationsPerMinute: 60,
  signInPostsPerMinute: 120,
  adminFailuresPerMinute: 20,
  activityRetentionDays: 30,
};
