import { AdminError, adminErrorBodySchema } from './errors';
import { changeEventSchema, type ChangeEvent } from './activity';
import type { AdminTransport } from './client';

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

export interface FollowChangesOptions extends HttpTransportOptions {
  /** Start after this event id (from `activity.list`'s `latestId`); the newest event when absent. */
  afterId?: number;
  onChange(change: ChangeEvent): void;
  /** Stops following. */
  signal: AbortSignal;
  /** Wait before reconnecting after the stream drops, ms. */
  retryMs?: number;
}

/**
 * Follows live changes over server-sent events until `signal` aborts,
 * reconnecting after drops and resuming after the last event seen. Uses
 * fetch rather than EventSource so the token travels in a header.
 */
export async function followChanges(options: FollowChangesOptions): Promise<void> {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/+$/, '');
  let lastId = options.afterId;
  while (!options.signal.aborted) {
    try {
      const query = lastId === undefined ? '' : `?afterId=${lastId}`;
      const res = await doFetch(`${base}${ADMIN_CHANGES_PATH}${query}`, {
        headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
        signal: options.signal,
      });
      if (res.status === 401 || res.status === 403) throw new AdminError({ code: res.status === 401 ? 'unauthorized' : 'forbidden', message: 'The admin token was refused' });
      if (!res.ok || !res.body) throw new Error(`changes stream answered ${res.status}`);
      for await (const message of readServerSentEvents(res.body)) {
        if (message.event !== 'change') continue;
        const parsed = changeEventSchema.safeParse(JSON.parse(message.data));
        if (!parsed.success) continue;
        lastId = parsed.data.id;
        options.onChange(parsed.data);
      }
    } catch (err) {
      if (options.signal.aborted) return;
      if (err instanceof AdminError) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 1000));
  }
}

interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/** Parses a text/event-stream body into messages (comments and retry lines are skipped). */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message: ServerSentEvent = { event: 'message', data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (!line || line.startsWith(':')) continue;
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') message.event = text;
          else if (field === 'data') data.push(text);
          else if (field === 'id') message.id = text;
        }
        if (data.length) yield { ...message, data: data.join('\n') };
      }
    }
  } finally {
    reader.releaseLock();
  }
}
