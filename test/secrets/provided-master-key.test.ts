import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileMasterKeyStore } from '../../src/main/secrets/master-key';
import { masterKeyStatusOf } from '../../src/main/secrets/master-key-selection';
import { parseMasterKey, providedMasterKey, ProvidedMasterKeyStore, refuseUnsharedMasterKey } from '../../src/main/secrets/provided-master-key';
import { makeTempDir } from '../helpers/server';
import { rm } from 'node:fs/promises';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('a master key given at start', () => {
  const key = randomBytes(32);

  it('takes 32 bytes of base64, standard or URL-safe, padded or not, with white space around', () => {
    expect(parseMasterKey(`  ${key.toString('base64')}\n`, 'X').equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64url'), 'X').equals(key)).toBe(true);
    expect(parseMasterKey(key.toString('base64').replace(/=+$/, ''), 'X').equals(key)).toBe(true);
  });

  it('refuses what is not base64, the wrong length or nothing, naming the source and never the value', () => {
    expect(() => parseMasterKey('not base64 at all!', 'OAUTH_CONSOLE_MASTER_KEY')).toThrow(/^OAUTH_CONSOLE_MASTER_KEY is not base64: .*openssl rand -base64 32/);
    expect(() => parseMasterKey(randomBytes(16).toString('base64'), 'OAUTH_CONSOLE_MASTER_KEY')).toThrow(/decodes to 16 bytes; the master key must be exactly 32 bytes/);
    expect(() => parseMasterKey('   ', '--master-key-file /k')).toThrow(/^--master-key-file \/k is empty/);
    const secretish = `${randomBytes(40).toString('base64')}`;
    try {
      parseMasterKey(secretish, 'X');
    } catch (err) {
      expect((err as Error).message).not.toContain(secretish);
    }
  });

  it('reads the file, or says why it cannot; refuses both sources at once', async () => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const file = join(dir, 'key');
    await writeFile(file, `${key.toString('base64')}\n`);
    expect((await providedMasterKey({ file }))!.key.equals(key)).toBe(true);
    expect(await providedMasterKey({})).toBeUndefined();
    expect(await providedMasterKey({ env: '' })).toBeUndefined();
    await expect(providedMasterKey({ file: join(dir, 'missing') })).rejects.toThrow(/^cannot read --master-key-file .*missing: no such file$/);
    await mkdir(join(dir, 'folder'));
    await expect(providedMasterKey({ file: join(dir, 'folder') })).rejects.toThrow(/it is a folder, not a file/);
    await expect(providedMasterKey({ file, env: key.toString('base64') })).rejects.toThrow(/either in OAUTH_CONSOLE_MASTER_KEY or with --master-key-file, not both/);
    if (process.getuid?.() !== 0) {
      await chmod(file, 0o000);
      await expect(providedMasterKey({ file })).rejects.toThrow(/permission denied/);
    }
  });

  it('is the only kind of key a shared database accepts, and its status says where it came from', () => {
    const given = new ProvidedMasterKeyStore(key, 'OAUTH_CONSOLE_MASTER_KEY');
    expect(() => refuseUnsharedMasterKey(given)).not.toThrow();
    expect(() => refuseUnsharedMasterKey(new FileMasterKeyStore('/tmp'))).toThrow(/a PostgreSQL database needs a master key given to every instance: set OAUTH_CONSOLE_MASTER_KEY .*cannot be shared/);
    expect(masterKeyStatusOf(given)).toMatchObject({ store: 'provided', level: 'ok', message: expect.stringContaining('OAUTH_CONSOLE_MASTER_KEY') });
  });
});
