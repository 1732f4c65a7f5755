import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { postgresTablesText, TEST_DIALECT } from './postgres';

/**
 * What a server keeps at rest, as one string to search for secrets: the
 * SQLite file's bytes (with its write-ahead log), or, on PostgreSQL, every
 * value in the database's tables.
 */
export async function databaseAtRest(server: { dataDir: string; database?: string | undefined }): Promise<string> {
  if (TEST_DIALECT === 'postgres') {
    if (!server.database) throw new Error('a PostgreSQL test server without its database URL');
    return postgresTablesText(server.database);
  }
  const files = (await readdir(server.dataDir)).filter((f) => f.startsWith('oauth-console.sqlite'));
  const parts = await Promise.all(files.map((f) => readFile(join(server.dataDir, f))));
  return Buffer.concat(parts).toString('latin1');
}
