import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './packed-project';

/** `oauth-console …` from the source (the packed bin is pack-and-install.test.ts's). */
function bin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--tsconfig', 'tsconfig.node.json', 'src/main/bin.ts', ...args], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('the oauth-console command', () => {
  it('without a command prints its usage', async () => {
    const { code, stdout } = await bin([]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: oauth-console serve \[options\]/);
  });

  it('refuses an unknown command, naming it, with exit code 1', async () => {
    const { code, stderr } = await bin(['start']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^oauth-console: unknown command "start"/);
  });

  it('serve takes the flags of npm run serve: --help lists them, a bad flag is refused in one line', async () => {
    const help = await bin(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--port N/);
    const bad = await bin(['serve', '--port', 'many']);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n').filter((line) => !line.startsWith('oidc-provider WARNING'))).toEqual(['oauth-console: --port must be a number from 0 to 65535, not "many"']);
  });
});
