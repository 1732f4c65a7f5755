import { z } from 'zod';
import { idSchema, timestampSchema } from './common';
import { DEVICE_CODE_GRANT, GRANT_TYPES } from './apps';
import type { FieldError } from './errors';

/**
 * Fault and latency simulation: rules that make an endpoint answer what a
 * real provider answers on a bad day (an RFC error, 429 or 503 with
 * `Retry-After`, a slow answer), globally or for one app.
 */

/** The endpoints a rule can aim at. `resource_api` is `/api/v1/*`, `mcp` is `/mcp`. */
export const SIMULATION_ENDPOINTS = ['authorize', 'token', 'userinfo', 'introspection', 'revocation', 'registration', 'jwks', 'resource_api', 'mcp'] as const;
export type SimulationEndpoint = (typeof SIMULATION_ENDPOINTS)[number];

/** The RFC errors a rule may answer with (RFC 6749, OIDC Core, RFC 8628, RFC 6750). */
export const SIMULATION_ERRORS = [
  'server_error',
  'temporarily_unavailable',
  'invalid_grant',
  'invalid_client',
  'invalid_scope',
  'access_denied',
  'login_required',
  'slow_down',
  'authorization_pending',
  'expired_token',
  'invalid_token',
  'insufficient_scope',
] as const;
export type SimulationError = (typeof SIMULATION_ERRORS)[number];

/** The grant types a token rule may be narrowed to. */
export const SIMULATION_GRANT_TYPES = GRANT_TYPES;

const DEVICE_ERRORS: readonly SimulationError[] = ['slow_down', 'authorization_pending', 'expired_token'];

/** Which errors each endpoint can give, as the RFCs define them there. */
export const ERRORS_OF_ENDPOINT: Record<SimulationEndpoint, readonly SimulationError[]> = {
  authorize: ['server_error', 'temporarily_unavailable', 'invalid_scope', 'access_denied', 'login_required'],
  token: ['server_error', 'temporarily_unavailable', 'invalid_grant', 'invalid_client', 'invalid_scope', 'access_denied', ...DEVICE_ERRORS],
  userinfo: ['server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope'],
  introspection: ['server_error', 'temporarily_unavailable', 'invalid_client'],
  revocation: ['server_error', 'temporarily_unavailable', 'invalid_client'],
  registration: ['server_error', 'temporarily_unavailable'],
  jwks: ['server_error', 'temporarily_unavailable'],
  resource_api: ['server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope'],
  mcp: ['server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope'],
};

export const SIMULATION_EFFECTS = ['error', 'status', 'latency'] as const;
export const SIMULATION_MODES = ['next', 'share', 'until_cleared'] as const;

/** The most latency a rule may add (ms): a minute, enough for any client timeout worth testing. */
export const MAX_LATENCY_MS = 60_000;

const ruleFields = {
  endpoint: z.enum(SIMULATION_ENDPOINTS),
  /** One app (its client id); absent for every app. */
  appId: idSchema.optional(),
  /** Token endpoint only: narrow the rule to one grant type. */
  grantType: z.enum(SIMULATION_GRANT_TYPES).optional(),
  /** `error`: an RFC error; `status`: HTTP 429 or 503 with Retry-After; `latency`: answer normally, later. */
  effect: z.enum(SIMULATION_EFFECTS),
  error: z.enum(SIMULATION_ERRORS).optional(),
  status: z.union([z.literal(429), z.literal(503)]).optional(),
  /** Seconds, for `status` (and for `temporarily_unavailable`); 0 to 86400, 30 unless given. */
  retryAfterSeconds: z.number().int().min(0).max(86_400).optional(),
  latencyMs: z.number().int().min(1).max(MAX_LATENCY_MS).optional(),
  /** `next`: the next `count` matching requests; `share`: `percent` of them; `until_cleared`: all. */
  mode: z.enum(SIMULATION_MODES),
  count: z.number().int().min(1).max(100_000).optional(),
  percent: z.number().int().min(1).max(100).optional(),
};

type RuleShape = z.output<z.ZodObject<typeof ruleFields>>;

/** The rules across fields: what each effect and mode needs, and what makes sense where. */
export function simulationRuleProblems(rule: RuleShape): FieldError[] {
  const problems: FieldError[] = [];
  const need = (field: keyof RuleShape, message: string) => {
    if (rule[field] === undefined) problems.push({ field, message });
  };
  const forbid = (field: keyof RuleShape, message: string) => {
    if (rule[field] !== undefined) problems.push({ field, message });
  };
  if (rule.effect === 'error') {
    need('error', 'required for effect "error"');
    if (rule.error && !ERRORS_OF_ENDPOINT[rule.endpoint].includes(rule.error)) {
      problems.push({ field: 'error', message: `is not an error the ${rule.endpoint} endpoint gives; choose one of ${ERRORS_OF_ENDPOINT[rule.endpoint].join(', ')}` });
    }
    if (rule.error && DEVICE_ERRORS.includes(rule.error) && rule.grantType !== DEVICE_CODE_GRANT) {
      problems.push({ field: 'grantType', message: `${rule.error} is a device-flow error (RFC 8628): set grantType to ${DEVICE_CODE_GRANT}` });
    }
  } else forbid('error', `only for effect "error"`);
  if (rule.effect === 'status') need('status', 'required for effect "status" (429 or 503)');
  else forbid('status', 'only for effect "status"');
  if (rule.retryAfterSeconds !== undefined && rule.effect !== 'status' && rule.error !== 'temporarily_unavailable') {
    problems.push({ field: 'retryAfterSeconds', message: 'only for effect "status" or the error temporarily_unavailable' });
  }
  if (rule.effect === 'latency') need('latencyMs', 'required for effect "latency"');
  else forbid('latencyMs', 'only for effect "latency"');
  if (rule.mode === 'next') need('count', 'required for mode "next"');
  else forbid('count', 'only for mode "next"');
  if (rule.mode === 'share') need('percent', 'required for mode "share"');
  else forbid('percent', 'only for mode "share"');
  if (rule.grantType !== undefined && rule.endpoint !== 'token') problems.push({ field: 'grantType', message: 'only for the token endpoint' });
  return problems;
}

export const simulationCreateInput = z.strictObject(ruleFields).superRefine((rule, ctx) => {
  for (const problem of simulationRuleProblems(rule)) ctx.addIssue({ code: 'custom', path: problem.field ? [problem.field] : [], message: problem.message });
});
export type SimulationCreateInput = z.input<typeof simulationCreateInput>;

export const simulationRuleSchema = z.object({
  id: z.string(),
  endpoint: z.enum(SIMULATION_ENDPOINTS),
  appId: z.string().nullable(),
  /** The app's name, for showing the rule (null for a global rule). */
  appName: z.string().nullable(),
  grantType: z.string().nullable(),
  effect: z.enum(SIMULATION_EFFECTS),
  error: z.enum(SIMULATION_ERRORS).nullable(),
  status: z.number().int().nullable(),
  retryAfterSeconds: z.number().int().nullable(),
  latencyMs: z.number().int().nullable(),
  mode: z.enum(SIMULATION_MODES),
  /** For `next`: how many the rule was made for, and how many are left. */
  count: z.number().int().nullable(),
  remaining: z.number().int().nullable(),
  percent: z.number().int().nullable(),
  /** Requests the rule has answered: exact for `next` (count − remaining), since the server started for the others. */
  applied: z.number().int(),
  createdAt: timestampSchema,
  /** When a `next` rule used its last request; a spent rule is no longer in effect. */
  spentAt: timestampSchema.nullable(),
});
export type SimulationRule = z.infer<typeof simulationRuleSchema>;

export const simulationListInput = z.strictObject({});
export const simulationListOutput = z.object({
  /** Rules in effect first, newest first; spent rules after them. */
  items: z.array(simulationRuleSchema),
  /** The server clock's offset from real time (seconds; 0 when not travelling). */
  clockOffsetSeconds: z.number().int(),
  /** The server's "now" (ms), with the offset. */
  serverNow: timestampSchema,
});

export const simulationDeleteInput = z.strictObject({ id: idSchema });
export const simulationDeleteOutput = z.object({ deleted: z.literal(true) });

export const simulationClearInput = z.strictObject({
  /** Also put the clock back to real time (default: rules only). */
  clock: z.boolean().optional(),
});
export const simulationClearOutput = z.object({ cleared: z.number().int(), clockReset: z.boolean() });

/** A year either way: far enough to expire anything but "until revoked". */
export const MAX_CLOCK_OFFSET_SECONDS = 366 * 86_400;

export const simulationSetClockInput = z.strictObject({
  /** Seconds to add to the server's clock (negative goes back); 0 is real time. */
  offsetSeconds: z.number().int().min(-MAX_CLOCK_OFFSET_SECONDS).max(MAX_CLOCK_OFFSET_SECONDS),
});
export const simulationSetClockOutput = z.object({ clockOffsetSeconds: z.number().int(), serverNow: timestampSchema });
