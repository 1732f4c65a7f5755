import { errors } from 'oidc-provider';
import type { SimulationError } from '../../shared/contract/simulation';
import { BearerError, problemOf, restBody, type Problem } from '../http/errors';
import { errorPage } from '../http/html';
import type { SimulatedAnswer } from './simulation';

/** The HTTP status each RFC error is answered with (RFC 6749 §5.2, RFC 6750 §3.1, RFC 8628 §3.5). */
const STATUS_OF_ERROR: Partial<Record<SimulationError, number>> = {
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_client: 401,
  invalid_token: 401,
  insufficient_scope: 403,
};

export function statusOfError(error: SimulationError): number {
  return STATUS_OF_ERROR[error] ?? 400;
}

const DESCRIPTION = 'simulated by OAuth Console (a simulation rule is active; clear it in the console)';

/**
 * A simulated RFC error as the engine's own error class, exposed (so the
 * engine renders it, `server_error` included): the authorization endpoint
 * turns it into a redirect to the verified redirect URI with `error`,
 * `state` and `iss`.
 */
export class SimulatedError extends errors.OIDCProviderError {
  constructor(error: SimulationError) {
    super(statusOfError(error), error);
    this.expose = true;
    this.error_description = DESCRIPTION;
  }
}

/** A Koa-like context the answer is written on. */
export interface AnswerTarget {
  status: number;
  body: unknown;
  type: string;
  set(field: string, value: string): void;
  get(field: string): string;
  accepts(...types: string[]): string | false;
}

/** Where the answer is read: a JSON endpoint, a bearer-protected one (with its RFC 9728 metadata, if it publishes some), or a browser page. */
export type AnswerFace = { kind: 'json' } | { kind: 'bearer'; resourceMetadata?: string } | { kind: 'page' };

function bearerErrorOf(error: SimulationError): BearerError | undefined {
  if (error === 'invalid_token') return new BearerError(401, 'invalid_token', `The access token is invalid (${DESCRIPTION})`);
  if (error === 'insufficient_scope') return new BearerError(403, 'insufficient_scope', `The access token lacks the scope this request needs (${DESCRIPTION})`);
  return undefined;
}

/** The problem for a simulated bearer-endpoint error, through the one mapper (its WWW-Authenticate challenge included). */
function bearerProblem(error: BearerError, resourceMetadata: string | undefined): Problem {
  return problemOf(resourceMetadata ? error.forResource(resourceMetadata) : error, { report: () => undefined });
}

/**
 * Writes a simulated answer: the RFC's status and JSON body
 * (`{ error, error_description }`), `Retry-After` on 429, 503 and
 * `temporarily_unavailable`, `WWW-Authenticate` where one belongs
 * (`Basic` for `invalid_client` of a client that authenticated with HTTP
 * Basic, RFC 6749 §5.2; `Bearer` for the bearer endpoints, RFC 6750 §3),
 * and `Cache-Control: no-store`.
 */
export function writeSimulatedAnswer(ctx: AnswerTarget, answer: SimulatedAnswer, face: AnswerFace): void {
  ctx.set('Cache-Control', 'no-store');
  const error = answer.kind === 'error' ? answer.error : answer.status === 429 ? 'too_many_requests' : 'temporarily_unavailable';
  const status = answer.kind === 'error' ? statusOfError(answer.error) : answer.status;
  if (status === 429 || status === 503) ctx.set('Retry-After', String(answer.retryAfterSeconds));
  const bearer = face.kind === 'bearer' && answer.kind === 'error' ? bearerErrorOf(answer.error) : undefined;
  if (bearer) {
    const problem = bearerProblem(bearer, face.kind === 'bearer' ? face.resourceMetadata : undefined);
    ctx.status = problem.status;
    for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
    ctx.body = restBody(problem);
    return;
  }
  ctx.status = status;
  if (error === 'invalid_client' && /^Basic\s/i.test(ctx.get('authorization'))) ctx.set('WWW-Authenticate', 'Basic realm="oauth-console"');
  if (face.kind === 'page' && ctx.accepts('json', 'html') === 'html') {
    ctx.type = 'html';
    ctx.body = errorPage(error, DESCRIPTION);
    return;
  }
  ctx.body = { error, error_description: DESCRIPTION };
}
