import { Webhook } from 'standardwebhooks';

export interface WebhookRequest {
  url: string;
  /** The message id: the same on every attempt, so receivers can drop duplicates. */
  messageId: string;
  payload: string;
  /** `whsec_…` */
  secret: string;
  timeoutMs: number;
  /** The most of the response body read (the rest is dropped, the connection closed). */
  maxResponseBytes: number;
  /** Aborts the request when the worker stops. */
  signal: AbortSignal;
}

export interface WebhookResponse {
  startedAt: number;
  durationMs: number;
  /** What was sent, for the delivery log (the signature, never the secret). */
  requestHeaders: Record<string, string>;
  status: number | null;
  /** The start of the response body. */
  excerpt: string | null;
  error: string | null;
}

/** Characters of the response body kept in the delivery log. */
export const EXCERPT_CHARS = 2000;

/** Standard Webhooks' headers for one attempt: the signature covers `id.timestamp.body`. */
export function signedHeaders(messageId: string, payload: string, secret: string, at: Date): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'OAuthConsole-Webhooks/1.0',
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, payload),
  };
}

/**
 * One attempt: a POST with Standard Webhooks' headers, a timeout, a cap on
 * the response read, and no redirect followed (a 3xx is a failure, so a
 * receiver cannot bounce the signed body elsewhere). Never throws: a
 * network failure is the attempt's `error`.
 */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = new Date();
  const headers = signedHeaders(request.messageId, request.payload, request.secret, started);
  const finish = (status: number | null, excerpt: string | null, error: string | null): WebhookResponse => ({
    startedAt: started.getTime(),
    durationMs: Date.now() - started.getTime(),
    requestHeaders: headers,
    status,
    excerpt,
    error,
  });
  const timeout = AbortSignal.timeout(request.timeoutMs);
  try {
    const response = await fetch(request.url, { method: 'POST', headers, body: request.payload, redirect: 'manual', signal: AbortSignal.any([timeout, request.signal]) });
    const excerpt = await readCapped(response, request.maxResponseBytes);
    const error = response.status >= 300 && response.status < 400 ? `redirect to ${response.headers.get('location') ?? '(no location)'} not followed` : null;
    return finish(response.status, excerpt, error ?? (response.ok ? null : `HTTP ${response.status}`));
  } catch (err) {
    if (timeout.aborted) return finish(null, null, `timed out after ${request.timeoutMs} ms`);
    if (request.signal.aborted) return finish(null, null, 'the server stopped during the attempt');
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return finish(null, null, cause?.code ? `${cause.code}: ${cause.message ?? ''}`.trim() : (err as Error).message);
  }
}

/** The body's first `maxBytes` at most, as text (the excerpt of the log); the rest is not read. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8').slice(0, EXCERPT_CHARS);
}
