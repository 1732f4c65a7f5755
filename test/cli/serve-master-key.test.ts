import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../helpers/server';
import { serve, type Run } from '../helpers/serve-process';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await makeTempDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Starts the server and stops it as soon as it serves; a refused start exits 1 first. */
function start(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return serve(['--port', '0', '--keychain', 'off', ...args], /^issuer: /, (_line, kill) => kill(), 30_000, env);
}

function startGiven(args: string[], env: Record<string, string>): Promise<Run> {
  return serve(['--port', '0', ...args], /^issuer: /, (_line, kill) => kill(), 30_000, env);
}

describe('serve with a master key given at start (SQLite)', () => {
  it('starts with OAUTH_CONSOLE_MASTER_KEY, writes no key file, and starts again only with the same key', async () => {
    const dataDir = await tempDir();
    const key = randomBytes(32).toString('base64');
    const first = await startGiven(['--data-dir', dataDir], { OAUTH_CONSOLE_MASTER_KEY: key });
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^master key: The master key was given at start \(OAUTH_CONSOLE_MASTER_KEY\)/m);
    const keyFile = join(dataDir, 'key.b64');
    await writeFile(keyFile, `${key}\n`, { mode: 0o600 });
    const again = await startGiven(['--data-dir', dataDir, '--master-key-file', keyFile], {});
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/^issuer: /m);

    const wrong = await startGiven(['--data-dir', dataDir], { OAUTH_CONSOLE_MASTER_KEY: randomBytes(32).toString('base64') });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/^oauth-console: signing key \S+ cannot be decrypted: the master key does not match this database \(the key from OAUTH_CONSOLE_MASTER_KEY: give the key the other instances use\)/);
  }, 90_000);

  it('refuses bad input with one line and exit 1', async () => {
    const dataDir = await tempDir();
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [[], { OAUTH_CONSOLE_MASTER_KEY: 'c2hvcnQ=' }, /^oauth-console: OAUTH_CONSOLE_MASTER_KEY decodes to 5 bytes; the master key must be exactly 32 bytes/],
      [[], { OAUTH_CONSOLE_MASTER_KEY: '***not-base64***' }, /^oauth-console: OAUTH_CONSOLE_MASTER_KEY is not base64/],
      [['--master-key-file', join(dataDir, 'nope')], {}, /^oauth-console: cannot read --master-key-file \S+nope: no such file$/],
      [['--master-key-file', join(dataDir, 'nope')], { OAUTH_CONSOLE_MASTER_KEY: randomBytes(32).toString('base64') }, /not both/],
      [['--keychain', 'on'], { OAUTH_CONSOLE_MASTER_KEY: randomBytes(32).toString('base64') }, /^oauth-console: --keychain chooses where a master key the server makes is kept/],
    ];
    for (const [args, env, expected] of cases) {
      const run = await startGiven(['--data-dir', dataDir, ...args], env);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.trim()).toMatch(expected);
    }
  }, 120_000);

  it('keeps the keychain-or-file behaviour when no key is given', async () => {
    const run = await start(['--data-dir', await tempDir()]);
    expect(run.stdout).toMatch(/^warning: master key: The master key is stored in the file /m);
  }, 60_000);
});
