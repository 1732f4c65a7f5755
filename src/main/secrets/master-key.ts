import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where the 32-byte master key that protects secrets at rest lives. */
export interface MasterKeyStore {
  /** A short name for status screens: "file", "keychain". */
  readonly kind: string;
  /** Returns the key, creating and saving one on first use. */
  load(): Promise<Buffer>;
}

const KEY_BYTES = 32;

/** Keeps the master key in a 0600 file inside the data folder. */
export class FileMasterKeyStore implements MasterKeyStore {
  readonly kind = 'file';
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, 'master.key');
  }

  async load(): Promise<Buffer> {
    try {
      const text = (await readFile(this.path, 'utf8')).trim();
      const key = Buffer.from(text, 'base64');
      if (key.length !== KEY_BYTES) throw new Error(`master key file ${this.path} is damaged (expected ${KEY_BYTES} bytes)`);
      return key;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const key = randomBytes(KEY_BYTES);
    await writeFile(this.path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await chmod(this.path, 0o600);
    return key;
  }
}
