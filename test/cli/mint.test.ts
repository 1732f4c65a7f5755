import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';
import type { Run } from '../helpers/serve-process';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** Runs `npm run mint`'s command with flags and an environment, like a user would. */
function mint(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['--tsconfig', 'tsconfig.node.json', 'src/main/mint-cli.ts', ...args], { cwd: ROOT, env: { ...process.env, OAUTH_CONSOLE_ADMIN_TOKEN: '', OAUTH_CONSOLE_URL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run mint', () => {
  let server: TestServer;
  let env: Record<string, string>;
  let appId: string;

  beforeAll(async () => {
    server = await startTestServer();
    env = { OAUTH_CONSOLE_ADMIN_TOKEN: server.adminToken, OAUTH_CONSOLE_URL: server.issuer };
    appId = demoApp(server).clientId;
  });
  afterAll(() => server.dispose());

  it('mints tokens for a user named by email, usable on the resource API at once', async () => {
    const run = await mint(['--app', appId, '--user', 'mia.member@example.test', '--scope', 'openid read:user'], env);
    expect(run.code).toBe(0);
    const minted = JSON.parse(run.stdout) as { accessToken: string; idToken: string | null; refreshToken: string | null };
    expect(minted.idToken).toMatch(/^ey/);
    expect(minted.refreshToken).toMatch(/^oc_rt_/);
    const res = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${minted.accessToken}` } });
    expect(((await res.json()) as { email: string }).email).toBe('mia.member@example.test');
  }, 60_000);

  it('evaluates without issuing, and prints a refusal with its fields and exit 1', async () => {
    const evaluated = await mint(['--app', appId, '--user', 'mia.member@example.test', '--scope', 'openid profile', '--evaluate'], env);
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ userinfo: { name: 'Mia Member' } });

    const refused = await mint(['--app', appId, '--user', 'mia.member@example.test', '--scope', 'write:members'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("scopes.0: not one of the app's scopes");
    const noToken = await mint(['--app', appId], { OAUTH_CONSOLE_URL: server.issuer });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('set OAUTH_CONSOLE_ADMIN_TOKEN');
    const wrongToken = await mint(['--app', appId, '--user', 'mia.member@example.test'], { ...env, OAUTH_CONSOLE_ADMIN_TOKEN: 'oc_adm_wrong' });
    expect(wrongToken.code).toBe(1);
    expect(wrongToken.stderr).toMatch(/oauth-console mint: .*(token|401)/i);
  }, 60_000);
});
