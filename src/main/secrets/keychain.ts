import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { MasterKeyStore } from './master-key';

/** The part of the OS keychain we use, as keytar exposes it. Tests pass in-memory fakes. */
export interface Keychain {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** The keychain service name under which OAuth Console keeps its master keys. */
export const KEYCHAIN_SERVICE = 'OAuth Console';

/** Keychain calls slower than this count as "no keychain reachable". */
export const KEYCHAIN_TIMEOUT_MS = 15_000;

const KEY_BYTES = 32;

/**
 * The keychain account for a data folder's master key: `master-key:` and the first
 * 16 hex digits of the SHA-256 of the folder's absolute path, so two data folders
 * (e.g. a desktop profile and a CI server) never share or overwrite a key.
 *
 * @example keychainAccount('/home/ada/.local/share/oauth-console') // 'master-key:3f1c…'
 */
export function keychainAccount(dataDir: string): string {
  return `master-key:${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16)}`;
}

/** No OS keychain answered: keytar missing, no Secret Service on the bus, keyring locked, or a timeout. */
export class KeychainUnavailableError extends Error {
  override name = 'KeychainUnavailableError';
}

/** How to get keytar when `npm install` skipped it (it is optional: its build needs libsecret's headers on Linux). */
export const KEYTAR_INSTALL_HINT = 'on Debian/Ubuntu, apt-get install libsecret-1-dev, then npm install again';

/** Loads keytar's native binding; rejects with {@link KeychainUnavailableError} when it cannot load. */
export async function loadKeytar(): Promise<Keychain> {
  try {
    const mod = (await import('keytar')) as Keychain & { default?: Keychain };
    return mod.default ?? mod;
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && /['"]keytar['"]/.test(message)) {
      throw new KeychainUnavailableError(`keytar is not installed: ${KEYTAR_INSTALL_HINT}`);
    }
    throw new KeychainUnavailableError(`keytar cannot load: ${message}`);
  }
}

/**
 * Runs one keychain call, turning its failure or a timeout into {@link KeychainUnavailableError}.
 * A timed-out native call cannot be cancelled; its late result is ignored.
 */
export async function keychainCall<T>(what: string, call: () => Promise<T>, timeoutMs = KEYCHAIN_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new KeychainUnavailableError(`the keychain did not answer ${what} within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(call)
        .catch((err: unknown) => {
          throw new KeychainUnavailableError(`${what} failed: ${(err as Error)?.message ?? String(err)}`);
        }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Encodes a master key for the keychain (base64, as in the key file). */
export function encodeMasterKey(key: Buffer): string {
  return key.toString('base64');
}

/** Decodes a stored master key, refusing anything that is not exactly 32 bytes. */
export function decodeMasterKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`the master key in ${where} is damaged (expected ${KEY_BYTES} bytes)`);
  return key;
}

export interface KeychainMasterKeyStoreOptions {
  dataDir: string;
  /** Defaults to keytar. */
  keychain?: () => Promise<Keychain>;
  /** Defaults to {@link KEYCHAIN_SERVICE}; tests use their own. */
  service?: string;
  timeoutMs?: number;
}

/**
 * Keeps the master key in the OS keychain (macOS Keychain, Windows Credential Manager,
 * the Secret Service on Linux) under service {@link KEYCHAIN_SERVICE} and account
 * {@link keychainAccount}. Rejects with {@link KeychainUnavailableError} when no keychain answers.
 */
export class KeychainMasterKeyStore implements MasterKeyStore {
  readonly kind = 'keychain';
  readonly service: string;
  readonly account: string;
  readonly #keychain: () => Promise<Keychain>;
  readonly #timeoutMs: number;

  constructor(options: KeychainMasterKeyStoreOptions) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.account = keychainAccount(options.dataDir);
    this.#keychain = options.keychain ?? loadKeytar;
    this.#timeoutMs = options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
  }

  /** Where the key lives, for messages: `"OAuth Console" / "master-key:…"`. */
  get label(): string {
    return `keychain service "${this.service}", account "${this.account}"`;
  }

  /** The stored key, or null when the keychain holds none for this data folder. */
  async read(): Promise<Buffer | null> {
    const keychain = await this.#keychain();
    const text = await keychainCall('reading the master key', () => keychain.getPassword(this.service, this.account), this.#timeoutMs);
    return text === null ? null : decodeMasterKey(text, this.label);
  }

  /** Stores `key` and reads it back, so a keychain that drops writes is caught here. */
  async write(key: Buffer): Promise<void> {
    const keychain = await this.#keychain();
    await keychainCall('saving the master key', () => keychain.setPassword(this.service, this.account, encodeMasterKey(key)), this.#timeoutMs);
    const back = await this.read();
    if (!back?.equals(key)) throw new KeychainUnavailableError('the keychain did not keep the master key (read-back differs)');
  }

  /** Removes the entry; true when there was one. */
  async delete(): Promise<boolean> {
    const keychain = await this.#keychain();
    return keychainCall('deleting the master key', () => keychain.deletePassword(this.service, this.account), this.#timeoutMs);
  }

  async load(): Promise<Buffer> {
    const stored = await this.read();
    if (stored) return stored;
    const key = randomBytes(KEY_BYTES);
    await this.write(key);
    return key;
  }
}
