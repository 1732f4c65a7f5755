import { AdminError, adminErrorBodySchema } from './errors';
import { changeEventSchema, type ChangeEvent } from './activity';
import type { AdminTransport } from './client';
import { readServerSentEvents } from './server-sent-events';

export { readServerSentEvents, type ServerSentEvent } from './server-sent-events';

export interface HttpTransportOptions {
  /** The server's origin, e.g. `http://127.0.0.1:9090`. */
  baseUrl: string;
  /** The admin token printed at start (`/console#token=…`). */
  token: string;
  fetch?: typeof fetch;
}

/** Path of a procedure over HTTP: `POST /admin/rpc/<procedure>` with the JSON input as body. */
export const ADMIN_RPC_PATH = '/admin/rpc/';
/** Server-sent events of live changes: `GET /admin/changes?afterId=N`. */
export const ADMIN_CHANGES_PATH = '/admin/changes';
/** The admin service as MCP tools (one stateless MCP server per request). */
export const ADMIN_MCP_PATH = '/admin/mcp';

/**
 * The HTTP transport for the headless web console and scripts. The token
 * goes in the Authorization header (no cookies, so no CSRF surface).
 */
export function createHttpTransport(options: HttpTransportOptions): AdminTransport {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, '');
  return async (procedure, input) => {
    const res = await doFetch(`${base}${ADMIN_RPC_PATH}${procedure}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
    const body: unknown = await res.json().catch(() => undefined);
    if (res.ok) return body;
    const parsed = adminErrorBodySchema.safeParse((body as { error?: unknown } | undefined)?.error);
    if (parsed.success) throw new AdminError(parsed.data);
    throw new AdminError({ code: res.status === 401 ? 'unauthorized' : res.status === 403 ? 'forbidden' : 'internal', message: `The admin service answered ${res.status}` });
  };
}

/** What the change stream is doing: `live` once a stream is open, `reconnecting` after it drops. */
export type ChangeStreamState = 'live' | 'reconnecting';

export interface FollowChangesOptions extends HttpTransportOptions {
  /** Start after this event id (from `activity.list`'s `latestId`); the newest event when absent. */
  afterId?: number;
  onChange(change: ChangeEvent): void;
  /** Called when a stream opens and when it drops. */
  onState?(state: ChangeStreamState): void;
  /** Stops following. */
  signal: AbortSignal;
  /** Wait before reconnecting after the stream drops, ms, until the server sends its own `retry:`. */
  retryMs?: number;
}

/** Sleeps `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * Follows live changes over server-sent events until `signal` aborts,
 * reconnecting after drops as the EventSource rules say: after the server's
 * `retry:` wait, resuming with `Last-Event-ID` (the last event seen). Uses
 * fetch rather than EventSource so the token travels in a header. A refused
 * token ends it with an AdminError (a new token is needed, not a retry).
 */
export async function followChanges(options: FollowChangesOptions): Promise<void> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, '');
  let lastId = options.afterId === undefined ? undefined : String(options.afterId);
  let retryMs = options.retryMs ?? 1000;
  while (!options.signal.aborted) {
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' };
      if (lastId !== undefined) headers['last-event-id'] = lastId;
      const res = await doFetch(`${base}${ADMIN_CHANGES_PATH}`, { headers, signal: options.signal });
      if (res.status === 401 || res.status === 403) throw new AdminError({ code: res.status === 401 ? 'unauthorized' : 'forbidden', message: 'The admin token was refused' });
      if (!res.ok || !res.body) throw new Error(`changes stream answered ${res.status}`);
      options.onState?.('live');
      for await (const message of readServerSentEvents(res.body, (ms) => (retryMs = ms))) {
        if (message.id !== undefined) lastId = message.id;
        if (message.event !== 'change') continue;
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          continue;
        }
        const parsed = changeEventSchema.safeParse(data);
        if (parsed.success) options.onChange(parsed.data);
      }
    } catch (err) {
      if (options.signal.aborted) return;
      if (err instanceof AdminError) throw err;
    }
    if (options.signal.aborted) return;
    options.onState?.('reconnecting');
    await pause(retryMs, options.signal);
  }
}
