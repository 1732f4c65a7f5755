import { randomBytes } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainMasterKeyStore, keychainAccount, loadKeytar } from '../../src/main/secrets/keychain';
import { SelectedMasterKeyStore } from '../../src/main/secrets/master-key-selection';
import { startServer } from '../../src/main/server/server';
import { keychainForTests } from './secret-service';
import { makeTempDir } from './temp-dir';

const keychain = await keychainForTests();

async function publishedKeys(issuer: string): Promise<unknown> {
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
  return (await fetch(discovery.jwks_uri)).json();
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe.skipIf(!keychain.run)('the master key in the real OS keychain (Secret Service here)', () => {
  // A service name of its own, so the tests never touch a real "OAuth Console" entry.
  const service = `OAuth Console test ${randomBytes(4).toString('hex')}`;
  const dataDirs: string[] = [];
  const newDataDir = async () => {
    const dir = await makeTempDir();
    dataDirs.push(dir);
    return dir;
  };

  beforeAll(() => {
    if (keychain.failure) throw new Error(keychain.failure);
  });
  afterAll(async () => {
    if (keychain.failure) return;
    const keytar = await loadKeytar();
    for (const dir of dataDirs) {
      await keytar.deletePassword(service, keychainAccount(dir));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stores a new key under the service and the data folder account, and finds it again', async () => {
    const dataDir = await newDataDir();
    const store = new KeychainMasterKeyStore({ dataDir, service });
    const key = await store.load();
    expect(key).toHaveLength(32);
    const keytar = await loadKeytar();
    expect(await keytar.getPassword(service, keychainAccount(dataDir))).toBe(key.toString('base64'));
    expect(await new KeychainMasterKeyStore({ dataDir, service }).load()).toEqual(key);
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
  });

  it('auto mode keeps a new data folder key in the keychain', async () => {
    const dataDir = await newDataDir();
    const store = new SelectedMasterKeyStore({ dataDir, mode: 'auto', service });
    const key = await store.load();
    expect(store.status()).toMatchObject({ store: 'keychain', level: 'ok', keychain: { service, account: keychainAccount(dataDir) } });
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
    expect(await new SelectedMasterKeyStore({ dataDir, mode: 'on', service }).load()).toEqual(key);
  });

  it('moves a key file into the keychain and deletes the file; the server still decrypts its signing keys', async () => {
    const dataDir = await newDataDir();
    const onFile = await startServer({ dataDir, port: 0, host: '127.0.0.1', masterKeyStore: new SelectedMasterKeyStore({ dataDir, mode: 'off', service }) });
    const jwks = await publishedKeys(onFile.issuer);
    expect(onFile.masterKey).toMatchObject({ store: 'file', level: 'warning' });
    await onFile.close();
    expect(await exists(join(dataDir, 'master.key'))).toBe(true);

    const moved = await startServer({ dataDir, port: 0, host: '127.0.0.1', masterKeyStore: new SelectedMasterKeyStore({ dataDir, mode: 'auto', service }) });
    try {
      expect(moved.masterKey).toMatchObject({ store: 'keychain', level: 'ok', movedFromFile: true });
      expect(await exists(join(dataDir, 'master.key'))).toBe(false);
      expect(await publishedKeys(moved.issuer)).toEqual(jwks);
    } finally {
      await moved.close();
    }
  });
});
