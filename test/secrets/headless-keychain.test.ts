import { spawn } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYCHAIN_SERVICE, keychainAccount, loadKeytar } from '../../src/main/secrets/keychain';
import { keychainForTests } from './secret-service';
import { makeTempDir } from './temp-dir';

const keychain = await keychainForTests();
const root = resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run serve`'s entry until it prints its issuer (then stops it with SIGTERM) or exits.
 * `noKeychain` points D-Bus at a socket that does not exist: a Linux box without a Secret Service.
 */
function serve(dataDir: string, keychainMode: string, noKeychain: boolean): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DISPLAY;
  delete env.OAUTH_CONSOLE_KEYCHAIN;
  if (noKeychain) env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/oauth-console-test-bus';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main/cli.ts', '--port', '0', '--data-dir', dataDir, '--keychain', keychainMode],
    { cwd: root, env: { ...env, TSX_TSCONFIG_PATH: 'tsconfig.node.json' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const run: Run = { code: null, stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    run.stdout += chunk.toString();
    if (run.stdout.includes('issuer: ')) child.kill('SIGTERM');
  });
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  return new Promise((done) => child.on('exit', (code) => done({ ...run, code })));
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe.skipIf(!keychain.run)('npm run serve --keychain (real keytar, with and without a Secret Service)', () => {
  let dataDir: string;

  beforeAll(async () => {
    if (keychain.failure) throw new Error(keychain.failure);
    dataDir = await makeTempDir();
  });
  afterAll(async () => {
    if (keychain.failure) return;
    await (await loadKeytar()).deletePassword(KEYCHAIN_SERVICE, keychainAccount(dataDir));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('falls back to the key file with a warning when no Secret Service is reachable', async () => {
    const run = await serve(dataDir, 'auto', true);
    expect(run.stdout).toMatch(/^warning: master key: .*no OS keychain is reachable/m);
    expect(run.stdout).toContain('issuer: http://127.0.0.1:');
    expect(await exists(join(dataDir, 'master.key'))).toBe(true);
  });

  it('refuses --keychain on without a Secret Service', async () => {
    const run = await serve(dataDir, 'on', true);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--keychain on, but no OS keychain is reachable');
  });

  it('moves the key into the keychain on the first start where one answers', async () => {
    const run = await serve(dataDir, 'auto', false);
    expect(run.stdout).toMatch(/^master key: The master key moved from its file into the OS keychain/m);
    expect(run.stdout).toContain('issuer: http://127.0.0.1:');
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
    expect(await (await loadKeytar()).getPassword(KEYCHAIN_SERVICE, keychainAccount(dataDir))).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('then refuses to start without the keychain instead of making a new key', async () => {
    const run = await serve(dataDir, 'auto', true);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is in the OS keychain \(keychain service "OAuth Console", account "master-key:[0-9a-f]{16}"\), which is not reachable/);
    expect(await exists(join(dataDir, 'master.key'))).toBe(false);
  });
});
