import {
  AdminError,
  adminErrorBodySchema,
  changeEventSchema,
  createAdminClient,
  createHttpTransport,
  followChanges,
  unwrapAdminResult,
  type AdminClient,
  type AdminTransport,
  type ChangeEvent,
} from '../../../shared/contract';
import { BRIDGE_GLOBAL, type ConsoleBridge } from '../../../shared/contract/bridge';

/**
 * Whether live changes are flowing right now. `reconnecting`: the server
 * stopped answering (the screens are stale); `refused`: it answers but no
 * longer takes this tab's admin token (it restarted with a new one).
 */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'refused' | 'stopped';

/** The admin service as the console sees it, whichever transport carries it. */
export interface AdminConnection {
  client: AdminClient;
  transport: 'ipc' | 'http';
  /** Follows live changes until the returned function is called. */
  subscribe(onChange: (change: ChangeEvent) => void, onStatus: (status: LiveStatus) => void): () => void;
}

export { BRIDGE_GLOBAL, type ConsoleBridge };

export function findBridge(win: object): ConsoleBridge | null {
  const candidate = (win as Record<string, unknown>)[BRIDGE_GLOBAL] as Partial<ConsoleBridge> | undefined;
  return candidate && typeof candidate.call === 'function' ? (candidate as ConsoleBridge) : null;
}

/** Errors do not keep their class across contextBridge: rebuild an AdminError from what arrives. */
function toAdminError(err: unknown): AdminError {
  if (err instanceof AdminError) return err;
  const body = adminErrorBodySchema.safeParse(err);
  if (body.success) return new AdminError(body.data);
  // The main process answers every call with a result object (refusals included), so anything
  // thrown here is the bridge itself failing: nothing to parse.
  const message = (err as Error | undefined)?.message ?? String(err);
  return new AdminError({ code: 'unavailable', message: `The admin service could not be reached: ${message}` });
}

function bridgeTransport(bridge: ConsoleBridge): AdminTransport {
  return async (procedure, input) => {
    let result: unknown;
    try {
      result = await bridge.call(procedure, input);
    } catch (err) {
      throw toAdminError(err);
    }
    const looksLikeResult = typeof result === 'object' && result !== null && 'ok' in result && typeof (result as { ok: unknown }).ok === 'boolean';
    return looksLikeResult ? unwrapAdminResult(result) : result;
  };
}

/** The desktop window: calls go through the preload bridge over IPC. */
export function connectThroughBridge(bridge: ConsoleBridge): AdminConnection {
  return {
    client: createAdminClient(bridgeTransport(bridge)),
    transport: 'ipc',
    subscribe(onChange, onStatus) {
      if (!bridge.onChange) {
        onStatus('stopped');
        return () => undefined;
      }
      onStatus('live');
      const unsubscribe = bridge.onChange((raw) => {
        const parsed = changeEventSchema.safeParse(raw);
        if (parsed.success) onChange(parsed.data);
      });
      return () => {
        unsubscribe();
        onStatus('stopped');
      };
    },
  };
}

/** The web console: calls go over HTTP to the server that served the page, with the admin token. */
export function connectOverHttp(baseUrl: string, token: string, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)): AdminConnection {
  return {
    client: createAdminClient(createHttpTransport({ baseUrl, token, fetch: fetchImpl })),
    transport: 'http',
    subscribe(onChange, onStatus) {
      const controller = new AbortController();
      onStatus('connecting');
      followChanges({ baseUrl, token, fetch: fetchImpl, signal: controller.signal, onChange, onState: onStatus }).then(
        () => onStatus('stopped'),
        (err: unknown) => onStatus(err instanceof AdminError && (err.code === 'unauthorized' || err.code === 'forbidden') ? 'refused' : 'stopped'),
      );
      return () => controller.abort();
    },
  };
}
