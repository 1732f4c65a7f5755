import type Provider from 'oidc-provider';
import type { MasterKeyStatus } from '../secrets/master-key-selection';
import type { ServiceParts } from '../service-parts';
import type { StorageHealth } from '../store/storage-health';
import type { WebhookRuntime } from '../webhooks/webhook-runtime';

/**
 * The one service context of the admin use cases: what they read from the
 * running server, as plain parts with no transport. The server implements
 * it (`RunningServer extends AdminServer`); the admin layer never imports
 * the server or the shell.
 */
export interface AdminServer extends ServiceParts {
  host: string;
  port: number;
  dataDir: string;
  databaseFile: string;
  startedAt: number;
  schemaVersion: string;
  /** The engine now in use (key rotation swaps it). */
  readonly provider: Provider;
  /** Where the master key lives; `level: 'warning'` when it sits in a file (the console shows it). */
  masterKey: MasterKeyStatus;
  /** Full-disk episodes of the database (`server.status` and the console show them). */
  storage: StorageHealth;
  /** Webhook secrets, the worker's wake-up and the catcher's address. */
  webhooks: WebhookRuntime;
  /** Makes new signing keys active and swaps in an engine built with them; returns their key ids. */
  rotateSigningKeys(): Promise<string[]>;
}

/** Who asked for a change, recorded with it in the activity log. */
export interface Actor {
  /** `console` (IPC or the admin HTTP transport), `api` (management REST API) or `seed` (a seed file applied at start). */
  via: 'console' | 'api' | 'seed';
  /** For the REST API: the API key id or the acting user/app. */
  principal?: string;
}

export const CONSOLE: Actor = { via: 'console' };
/** A seed file applied at start (`serve --seed FILE`, `<data-dir>/seed.yaml`). */
export const SEED: Actor = { via: 'seed' };

/** Activity-log detail naming the actor. */
export function by(actor: Actor): Record<string, unknown> {
  return actor.principal ? { via: actor.via, principal: actor.principal } : { via: actor.via };
}
