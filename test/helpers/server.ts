import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProvidedMasterKeyStore } from '../../src/main/secrets/provided-master-key';
import { startServer, type RunningServer, type ServerOptions } from '../../src/main/server/server';
import { databaseForDataDir, dropDatabaseOf, TEST_DIALECT } from './postgres';

export interface TestServer extends RunningServer {
  /** Stops the server and removes its data folder. */
  dispose(): Promise<void>;
  /** The PostgreSQL database's URL when the suite runs on PostgreSQL (see test/helpers/postgres.ts). */
  database: string | undefined;
}

/**
 * Starts a real server on loopback over a fresh store in a temp folder: a
 * SQLite file, or in the `postgres` project a fresh PostgreSQL database
 * of that folder (the same folder again is the same database, so restart
 * tests hold on both).
 */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'oauth-console-test-')));
  const log = process.env.OC_TEST_LOG ? (line: string) => console.error(line) : undefined;
  const database = options.database ?? (TEST_DIALECT === 'postgres' ? await databaseForDataDir(dataDir) : undefined);
  // PostgreSQL takes only a master key given at start (the instances share it): one per data folder, so a restart finds its keys.
  const masterKeyStore = options.masterKeyStore ?? (database ? testMasterKey(dataDir) : undefined);
  const server = await startServer({ port: 0, host: '127.0.0.1', ...(log ? { log } : {}), ...options, dataDir, ...(database ? { database } : {}), ...(masterKeyStore ? { masterKeyStore } : {}) });
  return Object.assign(server, {
    database,
    async dispose() {
      await server.close();
      if (options.dataDir) return;
      await rm(dataDir, { recursive: true, force: true });
      if (database && !options.database) await dropDatabaseOf(dataDir);
    },
  });
}

/** The master key a test server on PostgreSQL is given: derived from its data folder (tests only). */
export function testMasterKey(dataDir: string): ProvidedMasterKeyStore {
  return new ProvidedMasterKeyStore(createHash('sha256').update(`test master key:${dataDir}`).digest(), 'the test helper');
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'oauth-console-test-'));
}
