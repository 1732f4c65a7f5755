import { AdminError, type AdminErrorBody, type AdminErrorCode } from '../../shared/contract/errors';
import { isStorageFull, STORAGE_RETRY_AFTER_SECONDS, temporarilyUnavailableBody } from '../store/storage-health';
import { OWN_BODY_LIMIT, tooLargeBody } from './body-limit';

/**
 * The one error family. Every refusal our code raises is an `AdminError`
 * (the contract's code, a message, field errors), whichever face answers it:
 * admin RPC and IPC, the management API, the sample resource API, the pages.
 * A bearer refusal is one with an RFC 6750 challenge.
 */
export { AdminError };

export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/**
 * An RFC 6750 failure: 401 or 403, the challenge's error (absent when no
 * credentials were sent), the scope that would do, and, for a resource that
 * publishes RFC 9728 metadata (the sample MCP server), where that metadata is.
 */
export class BearerError extends AdminError {
  override name = 'BearerError';
  constructor(
    readonly status: 401 | 403,
    readonly challenge: BearerErrorCode | undefined,
    description: string,
    readonly scope?: string,
    readonly resourceMetadata?: string,
  ) {
    super({ code: status === 401 ? 'unauthorized' : 'forbidden', message: description });
  }

  /** The same refusal pointing at a protected resource's metadata (RFC 9728 §5.1), naming `scope` (this one's unless given). */
  forResource(resourceMetadata: string, scope = this.scope): BearerError {
    return new BearerError(this.status, this.challenge, this.message, scope, resourceMetadata);
  }
}

/**
 * An RFC 9449 section 7.1 refusal of a DPoP-bound token or its proof: 401
 * with a `DPoP` challenge (`error="invalid_token"` or `"invalid_dpop_proof"`,
 * and the proof algorithms accepted) instead of a Bearer one.
 */
export class DpopError extends BearerError {
  override name = 'DpopError';
  constructor(
    readonly dpopChallenge: 'invalid_token' | 'invalid_dpop_proof',
    description: string,
    readonly algs: readonly string[],
    resourceMetadata?: string,
  ) {
    super(401, 'invalid_token', description, undefined, resourceMetadata);
  }

  /** Stays a DPoP challenge, pointing at the resource's metadata too. */
  override forResource(resourceMetadata: string): DpopError {
    return new DpopError(this.dpopChallenge, this.message, this.algs, resourceMetadata);
  }
}

/** The HTTP status of each contract code. */
export const STATUS_OF: Record<AdminErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unknown_procedure: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export const INTERNAL_MESSAGE = 'An internal error occurred; the activity log has the details.';

/** What any error becomes over HTTP: one decision, rendered by a face (RPC JSON, REST JSON, a page). */
export interface Problem {
  status: number;
  body: AdminErrorBody;
  /** The OAuth-style `error` of the REST and page faces (`invalid_request`, `invalid_token`, `server_error`, ...). */
  error: string;
  headers: Record<string, string>;
  /** Set for a bearer refusal: the scope that would do. */
  scope?: string;
}

const REALM = 'oauth-console';

/** RFC 6750 §3: `Bearer realm=…, error=…, error_description=…, scope=…`, and RFC 9728 §5.1's `resource_metadata=…`. */
function challengeHeader(err: BearerError, realm: string): string {
  if (err instanceof DpopError) {
    const metadata = err.resourceMetadata ? `, resource_metadata="${err.resourceMetadata}"` : '';
    return `DPoP realm="${realm}", error="${err.dpopChallenge}", error_description="${err.message.replace(/["\\]/g, "'")}", algs="${err.algs.join(' ')}"${metadata}`;
  }
  const parts = [`Bearer realm="${realm}"`];
  if (err.challenge) parts.push(`error="${err.challenge}"`, `error_description="${err.message.replace(/["\\]/g, "'")}"`);
  if (err.scope) parts.push(`scope="${err.scope}"`);
  if (err.resourceMetadata) parts.push(`resource_metadata="${err.resourceMetadata}"`);
  return parts.join(', ');
}

const OAUTH_ERROR_OF: Partial<Record<AdminErrorCode, string>> = { invalid_input: 'invalid_request', internal: 'server_error' };

/** The problem for a contract error body (a dispatcher result, a transport's own refusal). */
export function problemOfBody(body: AdminErrorBody, status = STATUS_OF[body.code]): Problem {
  return { status, body, error: OAUTH_ERROR_OF[body.code] ?? body.code, headers: {} };
}

/** Koa's and the body parser's HTTP errors (`ctx.throw(409, …)`, a 413, bad JSON): status, message, and the OAuth `error` if one was set. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  error?: string;
  error_description?: string;
}

function codeOfStatus(status: number): AdminErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 429 || status === 503) return 'unavailable';
  return 'invalid_input';
}

export interface ProblemOptions {
  /** Reports an unexpected error (a bug): its message goes to the log and the activity log, never to the caller. */
  report: (message: string) => void;
  /** The bearer realm of a challenge. */
  realm?: string;
  /** The body limit named in a 413 answer. */
  bodyLimit?: number;
}

/**
 * The one mapping from anything thrown to an HTTP answer:
 * - an `AdminError` keeps its code, message and fields; a `BearerError`
 *   adds its `WWW-Authenticate` challenge;
 * - a full disk is 503 `temporarily_unavailable` with `Retry-After`;
 * - an HTTP error below 500 (a thrown status, the body parser's 400, 413,
 *   415) keeps its status and message;
 * - anything else is a bug: 500 with a fixed message, reported.
 */
export function problemOf(err: unknown, options: ProblemOptions): Problem {
  if (err instanceof BearerError) {
    return { ...problemOfBody(err.toBody(), err.status), error: (err instanceof DpopError ? err.dpopChallenge : err.challenge) ?? 'unauthorized', headers: { 'WWW-Authenticate': challengeHeader(err, options.realm ?? REALM) }, ...(err.scope ? { scope: err.scope } : {}) };
  }
  if (err instanceof AdminError) return problemOfBody(err.toBody());
  if (isStorageFull(err)) {
    const answer = temporarilyUnavailableBody();
    return { status: 503, body: { code: 'unavailable', message: answer.error_description }, error: answer.error, headers: { 'Retry-After': String(STORAGE_RETRY_AFTER_SECONDS) } };
  }
  const http = (err ?? {}) as HttpLikeError;
  const status = http.status ?? http.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    if (status === 413) {
      const answer = tooLargeBody(options.bodyLimit ?? OWN_BODY_LIMIT);
      return { status, body: { code: 'invalid_input', message: answer.error_description }, error: answer.error, headers: { Connection: 'close' } };
    }
    const code = codeOfStatus(status);
    const message = http.error_description ?? http.message ?? 'Bad request';
    return { status, body: { code, message }, error: http.error ?? (status === 429 ? 'too_many_requests' : (OAUTH_ERROR_OF[code] ?? code)), headers: {} };
  }
  options.report(http.message ?? String(err));
  return problemOfBody({ code: 'internal', message: INTERNAL_MESSAGE });
}

/** The REST face (management and resource APIs, our JSON routes): `{ error, error_description, fields?, scope? }`. */
export function restBody(problem: Problem): Record<string, unknown> {
  const { fields } = problem.body;
  return { error: problem.error, error_description: problem.body.message, ...(fields?.length ? { fields } : {}), ...(problem.scope ? { scope: problem.scope } : {}) };
}

/** The admin RPC face: `{ error: { code, message, fields? } }`. */
export function rpcBody(problem: Problem): { error: AdminErrorBody } {
  return { error: problem.body };
}

/** Writes a problem's status and headers on a Koa-like context; the caller sets the body in its face. */
export function setProblemHead(ctx: { status: number; set(field: string, value: string): void }, problem: Problem): void {
  ctx.status = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) ctx.set(name, value);
}
