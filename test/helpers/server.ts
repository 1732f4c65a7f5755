import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, type ServerOptions } from '../../src/main/server/server';

export interface TestServer extends RunningServer {
  /** Stops the server and removes its data folder. */
  dispose(): Promise<void>;
}

/** Starts a real server on loopback over a fresh SQLite file in a temp folder. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'oauth-console-test-')));
  const log = process.env.OC_TEST_LOG ? (line: string) => console.error(line) : undefined;
  const server = await startServer({ port: 0, host: '127.0.0.1', ...(log ? { log } : {}), ...options, dataDir });
  return Object.assign(server, {
    async dispose() {
      await server.close();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  });
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'oauth-console-test-'));
}
