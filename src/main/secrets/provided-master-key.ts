import { readFile } from 'node:fs/promises';
import type { MasterKeyStore } from './master-key';

/** The environment variable that gives every instance the same master key (base64 of 32 bytes). */
export const MASTER_KEY_ENV = 'OAUTH_CONSOLE_MASTER_KEY';

const KEY_BYTES = 32;
const HOW_TO_MAKE = 'make one with: openssl rand -base64 32';

/** A master key given at start that cannot be used: the message is one line for the person starting the server. */
export class MasterKeyInputError extends Error {
  override name = 'MasterKeyInputError';
}

/**
 * A master key given to the server from outside, the same on every instance
 * that shares one database: `OAUTH_CONSOLE_MASTER_KEY` or `--master-key-file`.
 * A keychain or a `master.key` file belongs to one machine, so instances on
 * several machines can only agree on a key that an operator hands to each
 * (a secret of the deployment: a Kubernetes secret, a file the orchestrator
 * mounts). Nothing is written anywhere.
 */
export class ProvidedMasterKeyStore implements MasterKeyStore {
  readonly kind = 'provided';

  constructor(
    readonly key: Buffer,
    /** Where it came from, for messages: `OAUTH_CONSOLE_MASTER_KEY`, `--master-key-file /run/secrets/key`. */
    readonly source: string,
  ) {}

  async load(): Promise<Buffer> {
    return this.key;
  }
}

/**
 * Decodes a master key given as text: base64 (standard or URL-safe, padding
 * optional) of exactly 32 bytes, surrounding white space ignored. Anything
 * else is refused with what is wrong and how to make a good one, never with
 * the value itself.
 */
export function parseMasterKey(text: string, source: string): Buffer {
  const trimmed = text.trim();
  if (trimmed === '') throw new MasterKeyInputError(`${source} is empty: it must hold a 32-byte key in base64 (${HOW_TO_MAKE})`);
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) || trimmed.replace(/=+$/, '').length % 4 === 1) {
    throw new MasterKeyInputError(`${source} is not base64: it must hold a 32-byte key in base64 (${HOW_TO_MAKE})`);
  }
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== KEY_BYTES) throw new MasterKeyInputError(`${source} decodes to ${key.length} bytes; the master key must be exactly ${KEY_BYTES} bytes (${HOW_TO_MAKE})`);
  return key;
}

/** Why a file could not be read, in words. */
function readFailure(err: NodeJS.ErrnoException): string {
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'permission denied';
  if (err.code === 'EISDIR') return 'it is a folder, not a file';
  return err.code ?? err.message;
}

export interface MasterKeyInput {
  /** `--master-key-file`, already resolved to an absolute path. */
  file?: string | undefined;
  /** The value of `OAUTH_CONSOLE_MASTER_KEY`, if set. */
  env?: string | undefined;
}

/**
 * The master key given at start, or undefined when none was. Both sources
 * at once is refused: two keys that may differ leave the reader guessing
 * which one encrypts the database.
 */
export async function providedMasterKey(input: MasterKeyInput): Promise<ProvidedMasterKeyStore | undefined> {
  const fromEnv = input.env !== undefined && input.env !== '';
  if (fromEnv && input.file !== undefined) throw new MasterKeyInputError(`give the master key either in ${MASTER_KEY_ENV} or with --master-key-file, not both`);
  if (fromEnv) return new ProvidedMasterKeyStore(parseMasterKey(input.env!, MASTER_KEY_ENV), MASTER_KEY_ENV);
  if (input.file === undefined) return undefined;
  const source = `--master-key-file ${input.file}`;
  let text: string;
  try {
    text = await readFile(input.file, 'utf8');
  } catch (err) {
    throw new MasterKeyInputError(`cannot read ${source}: ${readFailure(err as NodeJS.ErrnoException)}`);
  }
  return new ProvidedMasterKeyStore(parseMasterKey(text, source), source);
}

/**
 * On PostgreSQL the database is shared by instances on several machines,
 * and a key kept in one machine's keychain or `master.key` cannot be: each
 * instance would make its own, and none could read the signing keys and
 * cookie keys another encrypted. So the key must be given (the same to
 * every instance), even to a single instance, which can then be joined by
 * others at any time.
 */
export function refuseUnsharedMasterKey(store: MasterKeyStore): void {
  if (store instanceof ProvidedMasterKeyStore) return;
  throw new MasterKeyInputError(
    `a PostgreSQL database needs a master key given to every instance: set ${MASTER_KEY_ENV} (or --master-key-file) to the same 32-byte base64 key on each (${HOW_TO_MAKE}); ` +
      'a key in one machine\'s keychain or master.key cannot be shared, so instances could not read each other\'s signing keys',
  );
}
