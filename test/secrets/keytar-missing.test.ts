import { execFile } from 'node:child_process';
import { copyFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './temp-dir';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * keytar is optional: `npm install` skips it where libsecret's headers are missing. The real
 * keychain module, copied (as the ES module it is in the app) where no node_modules holds keytar, must then say what to install.
 */
describe('the keychain without keytar installed', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports keytar as not installed and names the package that enables it', async () => {
    dir = await makeTempDir();
    await copyFile(join(ROOT, 'src/main/secrets/keychain.ts'), join(dir, 'keychain.mts'));
    const probe = `import(${JSON.stringify(join(dir, 'keychain.mts'))}).then((m) => m.loadKeytar()).then(() => console.log('loaded'), (err) => console.log(err.name + ': ' + err.message))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '-e', probe], { cwd: ROOT });
    expect(stdout.trim()).toBe('KeychainUnavailableError: keytar is not installed: on Debian/Ubuntu, apt-get install libsecret-1-dev, then npm install again');
  });
});
