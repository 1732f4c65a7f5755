/** The global the console looks for in the desktop window (`window.oauthConsole`), set by the preload. */
export const BRIDGE_GLOBAL = 'oauthConsole';

/**
 * What the console sees on `window.oauthConsole`: the admin contract and nothing else.
 * `call` resolves with the transport result (`{ ok, data }` or `{ ok: false, error }`), which
 * the renderer unwraps into the typed client's output or an AdminError: an error thrown across
 * contextBridge would keep only its message, losing the code and field errors.
 */
export interface ConsoleBridge {
  call(procedure: string, input: unknown): Promise<unknown>;
  /** Live changes; an older preload may not offer it. */
  onChange?(listener: (change: unknown) => void): () => void;
}
