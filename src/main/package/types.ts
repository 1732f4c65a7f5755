import type { ConfigReport } from '../../shared/contract/config';
import type { ProcedureInput, ProcedureName, ProcedureOutput } from '../../shared/contract/procedures';
import type { Role } from '../../shared/roles';
import type { ConsentPolicy } from '../../shared/settings';

/**
 * The public types of the `oauth-console` package. They name only the admin
 * contract (src/shared/contract) and plain values: the database, the engine
 * and the rest of the running server stay internal, so the package's type
 * surface is the contract and nothing a test could come to depend on by
 * accident.
 */

/** How {@link startServer} starts an isolated server. Every field is optional. */
export interface StartServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; the issuer uses it. Default `127.0.0.1`. */
  host?: string;
  /** The global consent policy for this run; `auto-approve` skips the consent page. Default: the stored setting (`prompt`). */
  consentPolicy?: ConsentPolicy;
  /**
   * Rate limits (sign-in attempts, token requests, registration). Off unless
   * `true`: a test suite signs in far more often than a person would.
   */
  rateLimits?: boolean;
  /**
   * Keep the temporary data folder (database, master key) after `stop()`, to
   * look at it after a failed test; its path is `server.dataDir`. Default: removed.
   */
  keepData?: boolean;
  /** Where the server's operational lines go (never secrets). Default: nowhere; trouble lines (a full disk) go to stderr. */
  log?: (line: string) => void;
  /**
   * A configuration file (YAML or JSON, the format of "Configuration as
   * code") applied to the fresh database before the first request, instead
   * of the demo workspace: its apps, users, keys and known secrets are the
   * server's. A bad file rejects the start with its file, path and line, and
   * nothing is applied. The result then has `seedReport`, and no `demo`.
   */
  seed?: string;
}

/** A user of the seeded demo workspace (password-less: the sign-in page lists them). */
export interface DemoUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

/** What the first run seeds: the demo workspace, its three users and the confidential demo app. */
export interface DemoClients {
  workspaceId: string;
  /** The confidential "Demo App": authorization code, refresh token and client credentials; secret by `client_secret_basic` or `_post`. */
  app: {
    clientId: string;
    /** Stored hashed by the server; only this handle knows it. */
    clientSecret: string;
    redirectUris: string[];
  };
  /** Olivia Owner (OWNER), Adam Admin (ADMIN), Mia Member (MEMBER), all `@example.test`. */
  users: DemoUser[];
}

/** The procedures whose input may be left out (every field optional, or none). */
type OptionalInput<P extends ProcedureName> = Record<never, never> extends ProcedureInput<P> ? [input?: ProcedureInput<P>] : [input: ProcedureInput<P>];

/** The admin contract, called in process through the same dispatcher as the console. */
export interface AdminClient {
  /**
   * Runs one admin procedure (src/shared/contract/procedures.ts) as the
   * console would: the input is validated by the contract, the call is
   * recorded in the activity log, and a refusal rejects with an
   * `AdminError` (its `code`, `message` and `fields`).
   *
   * @example const { items } = await server.admin.call('apps.list', { search: 'Demo' });
   */
  call<P extends ProcedureName>(procedure: P, ...input: OptionalInput<P>): Promise<ProcedureOutput<P>>;
}

/** Shortcuts for the contract's `simulation.*` procedures (the console's Simulation screen) and `tokens.mint`. */
export interface SimulationHelpers {
  /**
   * Adds a fault or latency rule (`simulation.create`): an endpoint, optionally
   * one app or grant type, answers an RFC error, 429/503 with `Retry-After`,
   * or slowly; for the next N requests, a share of them, or until cleared.
   *
   * @example await server.simulate({ endpoint: 'token', effect: 'error', error: 'temporarily_unavailable', mode: 'next', count: 1 });
   */
  simulate(rule: ProcedureInput<'simulation.create'>): Promise<ProcedureOutput<'simulation.create'>>;
  /** Removes every rule (`simulation.clear`); `{ clock: true }` also puts the clock back to real time. */
  clearSimulations(options?: ProcedureInput<'simulation.clear'>): Promise<ProcedureOutput<'simulation.clear'>>;
  /**
   * Moves the server clock by `seconds` from where it is now (negative goes
   * back; `simulation.setClock` with the sum): every expiry decision,
   * introspection, the resource API and the `iat`/`exp` of JWTs follow it.
   *
   * @example await server.advanceClock(25 * 3600); // a 24-hour access token is now expired
   */
  advanceClock(seconds: number): Promise<ProcedureOutput<'simulation.setClock'>>;
  /**
   * Issues real tokens through the engine without a browser (`tokens.mint`):
   * an app, a user (or the app's bot), a workspace, scopes and optionally a
   * resource; the same rules as consent apply, and the tokens are recorded
   * as minted. Returns the access token (and refresh and ID tokens when the
   * app and scopes allow them).
   *
   * @example const { accessToken } = await server.mintToken({ appId: server.demo.clientId, userId: server.demo.users[0].id, scopes: ['read:user'] });
   */
  mintToken(request: ProcedureInput<'tokens.mint'>): Promise<ProcedureOutput<'tokens.mint'>>;
}

/** What every running isolated server has. */
export interface RunningTestServer extends SimulationHelpers, AsyncDisposable {
  /** The issuer URL, e.g. `http://127.0.0.1:41234`; discovery is at `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** The server's data folder (a fresh temporary one). */
  readonly dataDir: string;
  /** The admin contract: everything the console can do. */
  readonly admin: AdminClient;
  /** Stops the server, waits for it to close and removes the data folder (unless `keepData`). Safe to call twice. */
  stop(): Promise<void>;
}

/** A running isolated server. `await using server = await startServer()` stops it at the end of the scope. */
export interface OAuthConsoleServer extends RunningTestServer {
  /** The seeded demo workspace, users and app, with the app's client secret. */
  readonly demo: DemoClients;
}

/** A running isolated server started from a configuration file (`seed`): the file's state instead of the demo. */
export interface SeededOAuthConsoleServer extends RunningTestServer {
  /** What the seed created (counts and each change, secrets never included). */
  readonly seedReport: ConfigReport;
}

/** Starts an isolated server; see {@link StartServerOptions}. With `seed`, the file's state replaces the demo workspace. */
export interface StartServer {
  (options?: StartServerOptions & { seed?: undefined }): Promise<OAuthConsoleServer>;
  (options: StartServerOptions & { seed: string }): Promise<SeededOAuthConsoleServer>;
}
