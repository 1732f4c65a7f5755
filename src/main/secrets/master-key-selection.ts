import { createHash } from 'node:crypto';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { KeychainMasterKeyStore, KeychainUnavailableError, type Keychain } from './keychain';
import { FileMasterKeyStore, type MasterKeyStore } from './master-key';
import { ProvidedMasterKeyStore } from './provided-master-key';
import { writeJsonAtomically } from '../fs/write-json-atomically';

/** `auto`: keychain when one answers, else the 0600 file. `on`: keychain or fail. `off`: file only. */
export const KEYCHAIN_MODES = ['auto', 'on', 'off'] as const;
export type KeychainMode = (typeof KEYCHAIN_MODES)[number];

/**
 * Where the master key ended up, for the console's status screen and the start-up log.
 * `level` is `warning` whenever the key sits in a file: anyone who can read the data
 * folder can then decrypt the signing keys.
 */
export interface MasterKeyStatus {
  /** `provided`: given at start (`OAUTH_CONSOLE_MASTER_KEY`, `--master-key-file`), the same on every instance. */
  store: 'keychain' | 'file' | 'provided';
  level: 'ok' | 'warning';
  /** One sentence for people, e.g. shown as the console's warning banner. */
  message: string;
  /** Set when the key is in the keychain. */
  keychain?: { service: string; account: string };
  /** Set when the key is in a file. */
  file?: string;
  /** True on the start that moved the key from the file into the keychain. */
  movedFromFile?: boolean;
}

/** The data folder's key cannot be used safely; start-up must stop with this message. */
export class MasterKeyLocationError extends Error {
  override name = 'MasterKeyLocationError';
}

/**
 * A non-secret note in the data folder saying the key lives in the keychain, with the
 * key's fingerprint. Without it, a start on a machine whose keychain is locked would
 * quietly create a new key file, and the database's encrypted keys would be unreadable.
 */
export const KEY_LOCATION_FILE = 'master-key-location.json';

const locationSchema = z.object({
  store: z.literal('keychain'),
  service: z.string().min(1),
  account: z.string().min(1),
  fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
});
type KeyLocation = z.infer<typeof locationSchema>;

/** First 16 hex digits of the key's SHA-256: identifies a key without revealing it. */
export function keyFingerprint(key: Buffer): string {
  return createHash('sha256').update('oauth-console master key fingerprint').update(key).digest('hex').slice(0, 16);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export interface MasterKeySelectionOptions {
  dataDir: string;
  mode: KeychainMode;
  /** Defaults to keytar. */
  keychain?: () => Promise<Keychain>;
  /** Defaults to "OAuth Console"; tests use their own. */
  service?: string;
  timeoutMs?: number;
}

/**
 * Chooses where the master key lives on each start and moves it when that changes:
 * a key found in the 0600 file moves into the keychain as soon as one is reachable
 * (the file is deleted after the keychain has been read back).
 *
 * @example
 * const keys = new SelectedMasterKeyStore({ dataDir, mode: 'auto' });
 * await startServer({ dataDir, masterKeyStore: keys, ... });
 * keys.status(); // { store: 'keychain', level: 'ok', ... }
 */
export class SelectedMasterKeyStore implements MasterKeyStore {
  readonly mode: KeychainMode;
  readonly file: FileMasterKeyStore;
  readonly keychain: KeychainMasterKeyStore;
  readonly #locationPath: string;
  #status: MasterKeyStatus | undefined;

  constructor(options: MasterKeySelectionOptions) {
    this.mode = options.mode;
    this.file = new FileMasterKeyStore(options.dataDir);
    this.keychain = new KeychainMasterKeyStore({
      dataDir: options.dataDir,
      ...(options.keychain ? { keychain: options.keychain } : {}),
      ...(options.service ? { service: options.service } : {}),
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
    this.#locationPath = join(options.dataDir, KEY_LOCATION_FILE);
  }

  /** `keychain` or `file` once loaded; the mode before. */
  get kind(): string {
    return this.#status?.store ?? this.mode;
  }

  /** Where the key is; throws before {@link load} has succeeded. */
  status(): MasterKeyStatus {
    if (!this.#status) throw new Error('the master key has not been loaded yet');
    return this.#status;
  }

  async load(): Promise<Buffer> {
    const location = await this.#readLocation();
    if (this.mode === 'off') {
      if (location) throw new MasterKeyLocationError(`the master key of this data folder is in the OS keychain (${this.keychain.label}); start with --keychain auto or on`);
      return this.#useFile('the keychain is turned off (--keychain off)');
    }
    try {
      return await this.#useKeychain(location);
    } catch (err) {
      if (!(err instanceof KeychainUnavailableError)) throw err;
      if (this.mode === 'on') throw new MasterKeyLocationError(`--keychain on, but no OS keychain is reachable: ${err.message}`);
      if (location) {
        throw new MasterKeyLocationError(
          `the master key of this data folder is in the OS keychain (${this.keychain.label}), which is not reachable: ${err.message}. Unlock the keychain and start again`,
        );
      }
      return this.#useFile(`no OS keychain is reachable (${err.message})`, ' It moves into the keychain on the first start where one is reachable.');
    }
  }

  async #useFile(reason: string, next = ''): Promise<Buffer> {
    const key = await this.file.load();
    this.#status = {
      store: 'file',
      level: 'warning',
      message: `The master key is stored in the file ${this.file.path} (readable only by you) because ${reason}.${next}`,
      file: this.file.path,
    };
    return key;
  }

  async #useKeychain(location: KeyLocation | null): Promise<Buffer> {
    const stored = await this.keychain.read();
    const fileKey = (await exists(this.file.path)) ? await this.file.load() : null;
    if (fileKey) {
      if (stored && !stored.equals(fileKey) && location?.fingerprint === keyFingerprint(stored)) {
        throw new MasterKeyLocationError(
          `this data folder has both a key file (${this.file.path}) and a different master key in the keychain (${this.keychain.label}) that its location note names; move one of them aside`,
        );
      }
      // The file is the key this database was written with (it is only ever created
      // when no keychain answered), so it wins over a stale keychain entry.
      if (!stored?.equals(fileKey)) await this.keychain.write(fileKey);
      await this.#writeLocation(fileKey);
      await rm(this.file.path, { force: true });
      this.#status = this.#keychainStatus('The master key moved from its file into the OS keychain; the file was deleted.', true);
      return fileKey;
    }
    if (stored) {
      if (location && location.fingerprint !== keyFingerprint(stored)) {
        throw new MasterKeyLocationError(`the master key in the keychain (${this.keychain.label}) is not the one this data folder was encrypted with`);
      }
      if (!location) await this.#writeLocation(stored);
      this.#status = this.#keychainStatus('The master key is stored in the OS keychain.');
      return stored;
    }
    if (location) {
      throw new MasterKeyLocationError(
        `the master key of this data folder was in the OS keychain (${this.keychain.label}) but is no longer there; restore it, or move the data folder aside to start afresh`,
      );
    }
    const key = await this.keychain.load();
    await this.#writeLocation(key);
    this.#status = this.#keychainStatus('The master key is stored in the OS keychain.');
    return key;
  }

  #keychainStatus(message: string, movedFromFile = false): MasterKeyStatus {
    return {
      store: 'keychain',
      level: 'ok',
      message,
      keychain: { service: this.keychain.service, account: this.keychain.account },
      ...(movedFromFile ? { movedFromFile } : {}),
    };
  }

  async #readLocation(): Promise<KeyLocation | null> {
    let text: string;
    try {
      text = await readFile(this.#locationPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = locationSchema.safeParse(json);
    if (!parsed.success) throw new MasterKeyLocationError(`${this.#locationPath} is damaged; it should name the keychain entry holding the master key`);
    return parsed.data;
  }

  async #writeLocation(key: Buffer): Promise<void> {
    const location: KeyLocation = { store: 'keychain', service: this.keychain.service, account: this.keychain.account, fingerprint: keyFingerprint(key) };
    await writeJsonAtomically(this.#locationPath, location, 2);
  }
}

/** The status of any store: a {@link SelectedMasterKeyStore} knows its own; a plain file store is a warning. */
export function masterKeyStatusOf(store: MasterKeyStore): MasterKeyStatus {
  if (store instanceof SelectedMasterKeyStore) return store.status();
  if (store instanceof FileMasterKeyStore) {
    return { store: 'file', level: 'warning', message: `The master key is stored in the file ${store.path} (readable only by you).`, file: store.path };
  }
  if (store instanceof ProvidedMasterKeyStore) {
    return { store: 'provided', level: 'ok', message: `The master key was given at start (${store.source}); every instance on this database needs the same one.` };
  }
  if (store instanceof KeychainMasterKeyStore) {
    return { store: 'keychain', level: 'ok', message: 'The master key is stored in the OS keychain.', keychain: { service: store.service, account: store.account } };
  }
  return { store: 'file', level: 'warning', message: `The master key is held by a "${store.kind}" store.` };
}
