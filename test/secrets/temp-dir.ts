import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp folder standing in for a data folder. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'oauth-console-secrets-'));
}
