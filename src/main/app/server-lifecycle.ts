import { PortInUseError } from '../server/listen';

/** What the shell needs of a running server. */
export interface ServerHandle {
  issuer: string;
  port: number;
  close(): Promise<void>;
}

export type ServerState =
  | { status: 'idle' }
  | { status: 'starting'; port: number }
  | { status: 'running'; port: number; issuer: string }
  | { status: 'port-busy'; port: number; host: string; suggestedPort: number | null }
  | { status: 'failed'; port: number; message: string }
  | { status: 'stopped' };

export interface ServerLifecycleDeps<S extends ServerHandle> {
  /** Starts the server on exactly this port (never another: the port is part of the issuer). */
  start(port: number): Promise<S>;
  /** A free port to offer when `port` is taken, or null. */
  suggestPort(port: number, host: string): Promise<number | null>;
}

/**
 * Starts and stops the authorization server for the desktop shell, one operation at a time,
 * and reports its state to listeners (the window shows a start-up page for every state but
 * `running`). A busy port becomes the `port-busy` state with a suggestion; the shell never
 * picks another port by itself.
 */
export class ServerLifecycle<S extends ServerHandle> {
  readonly #deps: ServerLifecycleDeps<S>;
  readonly #listeners = new Set<(state: ServerState) => void>();
  #state: ServerState = { status: 'idle' };
  #server: S | null = null;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(deps: ServerLifecycleDeps<S>) {
    this.#deps = deps;
  }

  get state(): ServerState {
    return this.#state;
  }

  /** The running server, or null. */
  get server(): S | null {
    return this.#server;
  }

  /** Calls `listener` on every state change; returns the unsubscribe function. */
  subscribe(listener: (state: ServerState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** (Re)starts on `port`, closing a running server first. Resolves with the resulting state. */
  start(port: number): Promise<ServerState> {
    return this.#enqueue(async () => {
      if (this.#state.status === 'stopped') return this.#state;
      await this.#closeServer();
      this.#set({ status: 'starting', port });
      try {
        this.#server = await this.#deps.start(port);
        this.#set({ status: 'running', port: this.#server.port, issuer: this.#server.issuer });
      } catch (err) {
        if (err instanceof PortInUseError) {
          this.#set({ status: 'port-busy', port, host: err.host, suggestedPort: await this.#deps.suggestPort(port, err.host).catch(() => null) });
        } else {
          this.#set({ status: 'failed', port, message: (err as Error)?.message ?? String(err) });
        }
      }
      return this.#state;
    });
  }

  /** Closes the server and its database for good; later `start` calls do nothing. Safe to call twice. */
  stop(): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#state.status === 'stopped') return;
      await this.#closeServer();
      this.#set({ status: 'stopped' });
    });
  }

  /**
   * The running server stopped itself (damage found by the integrity check of a big database
   * file, after start): show why, as a failed start would. A later `start` tries again.
   */
  stoppedByItself(message: string): Promise<void> {
    return this.#enqueue(async () => {
      if (this.#state.status !== 'running') return;
      const port = this.#state.port;
      await this.#closeServer();
      this.#set({ status: 'failed', port, message });
    });
  }

  async #closeServer(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server) await server.close();
  }

  #enqueue<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(step, step);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #set(state: ServerState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}

/**
 * The `before-quit` handler: the first quit is held until the server and database have
 * closed (or `timeoutMs` passed), then `quit` runs again and goes through.
 */
export function createQuitGuard(stop: () => Promise<void>, quit: () => void, timeoutMs = 5000): (event: { preventDefault(): void }) => void {
  let phase: 'running' | 'stopping' | 'done' = 'running';
  return (event) => {
    if (phase === 'done') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    void Promise.race([stop().catch(() => undefined), timeout]).then(() => {
      clearTimeout(timer);
      phase = 'done';
      quit();
    });
  };
}
