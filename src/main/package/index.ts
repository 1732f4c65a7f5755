/**
 * The `oauth-console` package: an isolated OAuth 2.0 / OpenID Connect
 * server for test suites and CI. `import { startServer } from 'oauth-console'`.
 * The headless server only: nothing here (or below it) imports Electron.
 */
export { startServer } from './start-server';
export { AdminError } from '../../shared/contract/errors';
export type { AdminErrorBody, AdminErrorCode, FieldError } from '../../shared/contract/errors';
export type { ProcedureInput, ProcedureName, ProcedureOutput } from '../../shared/contract/procedures';
export type { AdminClient, DemoClients, DemoUser, OAuthConsoleServer, RunningTestServer, SeededOAuthConsoleServer, SimulationHelpers, StartServer, StartServerOptions } from './types';
export type { ConfigReport } from '../../shared/contract/config';
