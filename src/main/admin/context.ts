import type { RunningServer } from '../server/server';

/** What the admin use cases read from the running server: plain parts, no transport. */
export type AdminServer = Pick<
  RunningServer,
  | 'issuer'
  | 'host'
  | 'port'
  | 'dataDir'
  | 'databaseFile'
  | 'startedAt'
  | 'schemaVersion'
  | 'db'
  | 'provider'
  | 'settings'
  | 'activity'
  | 'clientCache'
  | 'masterKey'
  | 'storage'
  | 'rotateSigningKeys'
>;

/** Who asked for a change, recorded with it in the activity log. */
export interface Actor {
  /** `console` (IPC or the admin HTTP transport) or `api` (management REST API). */
  via: 'console' | 'api';
  /** For the REST API: the API key id or the acting user/app. */
  principal?: string;
}

export const CONSOLE: Actor = { via: 'console' };

/** Activity-log detail naming the actor. */
export function by(actor: Actor): Record<string, unknown> {
  return actor.principal ? { via: actor.via, principal: actor.principal } : { via: actor.via };
}
