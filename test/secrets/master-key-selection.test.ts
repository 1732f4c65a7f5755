import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, keychainAccount } from '../../src/main/secrets/keychain';
import { FileMasterKeyStore } from '../../src/main/secrets/master-key';
import {
  KEY_LOCATION_FILE,
  MasterKeyLocationError,
  SelectedMasterKeyStore,
  keyFingerprint,
  masterKeyStatusOf,
  type KeychainMode,
} from '../../src/main/secrets/master-key-selection';
import { makeTempDir } from './temp-dir';
import { FakeKeychain } from './fake-keychain';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('master key selection (keychain, file fallback, move) with a fake keychain', () => {
  let dataDir: string;
  let keychain: FakeKeychain;
  const store = (mode: KeychainMode = 'auto') => new SelectedMasterKeyStore({ dataDir, mode, keychain: keychain.factory, timeoutMs: 200 });
  const keychainEntry = () => keychain.entries.get(`${KEYCHAIN_SERVICE}\u0000${keychainAccount(dataDir)}`);

  beforeEach(async () => {
    dataDir = await makeTempDir();
    keychain = new FakeKeychain();
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('names the keychain entry after the data folder', () => {
    expect(keychainAccount('/a/b')).toMatch(/^master-key:[0-9a-f]{16}$/);
    expect(keychainAccount('/a/b')).toBe(keychainAccount('/a/b/'));
    expect(keychainAccount('/a/b')).not.toBe(keychainAccount('/a/c'));
  });

  it('keeps a new key in the keychain when one answers, with no key file', async () => {
    const keys = store();
    const key = await keys.load();
    expect(key).toHaveLength(32);
    expect(keychainEntry()).toBe(key.toString('base64'));
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
    expect(keys.kind).toBe('keychain');
    expect(keys.status()).toMatchObject({ store: 'keychain', level: 'ok', keychain: { service: 'OAuth Console', account: keychainAccount(dataDir) } });
    const note = JSON.parse(await readFile(join(dataDir, KEY_LOCATION_FILE), 'utf8'));
    expect(note).toEqual({ store: 'keychain', service: 'OAuth Console', account: keychainAccount(dataDir), fingerprint: keyFingerprint(key) });
    expect(JSON.stringify(note)).not.toContain(key.toString('base64'));
    expect(await store().load()).toEqual(key);
  });

  it('falls back to a 0600 file with a warning when no keychain answers', async () => {
    keychain.state = 'down';
    const keys = store();
    const key = await keys.load();
    const file = join(dataDir, 'master.key');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(keys.status()).toMatchObject({ store: 'file', level: 'warning', file });
    expect(keys.status().message).toContain('no OS keychain is reachable');
    expect(keys.status().message).toContain('Cannot autolaunch D-Bus');
    expect(await exists(join(dataDir, KEY_LOCATION_FILE))).toBe(false);
    expect(await store().load()).toEqual(key);
  });

  it('falls back to the file when the keychain reads but refuses writes (locked keyring)', async () => {
    keychain.state = 'read-only';
    const keys = store();
    await keys.load();
    expect(keys.status().store).toBe('file');
    expect(keys.status().message).toContain('locked collection');
  });

  it('treats a keychain that does not answer in time as unreachable', async () => {
    keychain.state = 'hang';
    const keys = store();
    await keys.load();
    expect(keys.status().store).toBe('file');
    expect(keys.status().message).toContain('did not answer');
  });

  it('moves the key from the file into the keychain once one answers, then deletes the file', async () => {
    keychain.state = 'down';
    const key = await store().load();
    keychain.state = 'up';
    const keys = store();
    expect(await keys.load()).toEqual(key);
    expect(keys.status()).toMatchObject({ store: 'keychain', level: 'ok', movedFromFile: true });
    expect(keychainEntry()).toBe(key.toString('base64'));
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
    const again = store();
    expect(await again.load()).toEqual(key);
    expect(again.status().movedFromFile).toBeUndefined();
  });

  it('keeps the file when the keychain refuses the move, and moves it later', async () => {
    keychain.state = 'down';
    const key = await store().load();
    keychain.state = 'read-only';
    const keys = store();
    expect(await keys.load()).toEqual(key);
    expect(keys.status().store).toBe('file');
    expect(await exists(join(dataDir, 'master.key'))).toBe(true);
    keychain.state = 'up';
    expect(await store().load()).toEqual(key);
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
  });

  it('prefers the key file over a stale keychain entry left by an earlier data folder', async () => {
    await store().load();
    await rm(join(dataDir, KEY_LOCATION_FILE));
    const fileKey = await new FileMasterKeyStore(dataDir).load();
    const keys = store();
    expect(await keys.load()).toEqual(fileKey);
    expect(keychainEntry()).toBe(fileKey.toString('base64'));
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
  });

  it('refuses to start when the file and the keychain hold different keys and the note names the keychain one', async () => {
    await store().load();
    await new FileMasterKeyStore(dataDir).load();
    await expect(store().load()).rejects.toThrow(MasterKeyLocationError);
  });

  it('never creates a new key file when the note says the key is in an unreachable keychain', async () => {
    await store().load();
    keychain.state = 'down';
    await expect(store().load()).rejects.toThrow(/is in the OS keychain .* which is not reachable/);
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
  });

  it('refuses when the keychain entry has gone or holds another key', async () => {
    await store().load();
    const entry = `${KEYCHAIN_SERVICE}\u0000${keychainAccount(dataDir)}`;
    keychain.entries.set(entry, Buffer.alloc(32, 7).toString('base64'));
    await expect(store().load()).rejects.toThrow(/not the one this data folder was encrypted with/);
    keychain.entries.delete(entry);
    await expect(store().load()).rejects.toThrow(/no longer there/);
  });

  it('refuses a damaged keychain entry or location note instead of replacing the key', async () => {
    keychain.entries.set(`${KEYCHAIN_SERVICE}\u0000${keychainAccount(dataDir)}`, 'c2hvcnQ=');
    await expect(store().load()).rejects.toThrow(/damaged/);
    await writeFile(join(dataDir, KEY_LOCATION_FILE), '{"store":"nowhere"}');
    await expect(store().load()).rejects.toThrow(/damaged/);
  });

  it('--keychain on fails without a keychain; --keychain off never asks one', async () => {
    keychain.state = 'down';
    await expect(store('on').load()).rejects.toThrow(/--keychain on, but no OS keychain is reachable/);
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
    keychain.state = 'up';
    keychain.calls = 0;
    const off = store('off');
    await off.load();
    expect(keychain.calls).toBe(0);
    expect(off.status()).toMatchObject({ store: 'file', level: 'warning' });
    expect(off.status().message).toContain('--keychain off');
  });

  it('--keychain off refuses a data folder whose key is in the keychain', async () => {
    await store('on').load();
    await expect(store('off').load()).rejects.toThrow(/start with --keychain auto or on/);
  });

  it('describes a plain file store as a warning', () => {
    const status = masterKeyStatusOf(new FileMasterKeyStore(dataDir));
    expect(status).toMatchObject({ store: 'file', level: 'warning', file: join(dataDir, 'master.key') });
    expect(() => store().status()).toThrow(/not been loaded/);
  });
});
