import { createServer } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serve } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/server';

describe('npm run serve', () => {
  it('prints the issuer, answers, and shuts down cleanly on SIGTERM', async () => {
    const dataDir = await makeTempDir();
    let answered = 0;
    let handled = false;
    const run = await serve(['--port', '0', '--data-dir', dataDir], /^issuer: /, (line, kill) => {
      if (handled) return;
      handled = true;
      const issuer = line.slice('issuer: '.length).trim();
      void fetch(`${issuer}/.well-known/openid-configuration`)
        .then((res) => (answered = res.status))
        .finally(kill);
    });
    expect(answered).toBe(200);
    expect(run.stdout).toMatch(/^issuer: http:\/\/127\.0\.0\.1:\d+$/m);
    expect(run.stdout).toMatch(/demo client_id: oc_app_/);
    expect(run.stdout).toMatch(/^mint a token without a browser: OAUTH_CONSOLE_ADMIN_TOKEN=<the admin token above> npm run mint -- --url http:\/\/127\.0\.0\.1:\d+ --app /m);
    expect(run.stdout).toMatch(/SIGTERM: shutting down/);
    expect(run.code).toBe(0);
  });

  it('refuses a busy port with one clear line and a non-zero exit', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await serve(['--port', String(port), '--data-dir', await makeTempDir()]);
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(`oauth-console: port ${port} on 127.0.0.1 is already in use (choose another with --port, or --port 0 for a free one)`);
    } finally {
      blocker.close();
    }
  });

  it('refuses an unusable data folder', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'not-a-folder');
    await writeFile(file, 'x');
    const run = await serve(['--port', '0', '--data-dir', join(file, 'data')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^oauth-console: data folder .* is not usable: ENOTDIR/);
  });

  it('refuses a corrupt database file without touching it', async () => {
    const dir = await makeTempDir();
    const garbage = 'this is not a database '.repeat(500);
    await writeFile(join(dir, 'oauth-console.sqlite'), garbage);
    const run = await serve(['--port', '0', '--data-dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/not a SQLite database/);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(join(dir, 'oauth-console.sqlite'), 'utf8')).toBe(garbage);
  });

  it('refuses bad flags with a clear line', async () => {
    for (const [args, message] of [
      [['--port', 'abc'], '--port must be a number from 0 to 65535, not "abc"'],
      [['--port', '70000'], '--port must be a number from 0 to 65535, not "70000"'],
      [['--consent', 'maybe'], '--consent must be one of prompt, auto-approve, auto-deny, not "maybe"'],
      [['--bogus'], "Unknown option '--bogus'"],
    ] as const) {
      const run = await serve([...args]);
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr).toContain(message);
    }
  });
});
