import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial';
import * as m0002 from './0002_console_indexes';
import * as m0003 from './0003_app_policies';
import * as m0004 from './0004_webhooks';
import * as m0005 from './0005_resource_servers';
import * as m0006 from './0006_id_token_claims';
import * as m0007 from './0007_simulation';
import * as m0008 from './0008_user_claims';
import * as m0009 from './0009_sparse_indexes';

/** Migrations are imported statically: a folder scan breaks in bundled builds. */
export const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_console_indexes': m0002,
  '0003_app_policies': m0003,
  '0004_webhooks': m0004,
  '0005_resource_servers': m0005,
  '0006_id_token_claims': m0006,
  '0007_simulation': m0007,
  '0008_user_claims': m0008,
  '0009_sparse_indexes': m0009,
};

export class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations;
  }
}
