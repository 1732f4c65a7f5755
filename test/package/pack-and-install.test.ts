import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAndInstall, ROOT, run, type PackedProject } from './packed-project';

/**
 * The package as a user gets it: `npm pack`, a fresh project that installs
 * the tarball, and there the `bin` (`npx oauth-console serve`) and
 * `startServer()` from a plain ESM script, plus the shipped declarations
 * under `tsc`. Slow (packing builds the console; installing copies ~250
 * packages), so the whole file has a budget of 3 minutes. Never skipped:
 * whatever is missing (the npm cache, sqlite3's binary) fails it, with the
 * failing command's output.
 */
const BUDGET_MS = 180_000;
const started = Date.now();
const left = () => Math.max(5_000, BUDGET_MS - (Date.now() - started));

let project: PackedProject;

beforeAll(async () => {
  project = await packAndInstall(BUDGET_MS - 45_000);
}, BUDGET_MS - 40_000);

afterAll(() => {
  console.log(`package test timings (s): ${JSON.stringify({ ...project?.timings, total: Math.round((Date.now() - started) / 1000) })}`);
});

interface Served {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

/** Whether anything still answers at the issuer. */
async function answers(issuer: string): Promise<boolean> {
  return fetch(`${issuer}/healthz`).then(
    () => true,
    () => false,
  );
}

/** `npx oauth-console serve …` in the project, until it printed the demo app's secret (its last start line). */
function npxServe(cwd: string, args: string[]): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['--no-install', 'oauth-console', 'serve', ...args], { cwd, detached: true, env: { ...process.env, OAUTH_CONSOLE_DATA_DIR: '' } });
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      reject(new Error(`npx oauth-console serve printed no issuer in 30 s:\n${out}\n${err}`));
    }, 30_000);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const secret = /^demo client_secret[^:]*: (\S+)$/m.exec(out)?.[1];
      if (!secret) return;
      clearTimeout(timer);
      resolve({
        issuer: /^issuer: (\S+)$/m.exec(out)![1]!,
        clientId: /^demo client_id: (\S+)$/m.exec(out)![1]!,
        clientSecret: secret,
        output: () => out,
        async stop() {
          // npm exec does not pass SIGTERM on to the command it runs: the signal goes to the whole group.
          process.kill(-child.pid!, 'SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npx oauth-console serve exited (${code}) before it printed its issuer:\n${out}\n${err}`));
    });
  });
}

describe('the packed package in a fresh project', () => {
  it('installs without Electron, with the bin, the library and its declarations', () => {
    const installed = join(project.dir, 'node_modules');
    expect(existsSync(join(installed, 'oauth-console', 'dist', 'lib', 'index.js'))).toBe(true);
    expect(existsSync(join(installed, 'oauth-console', 'dist', 'types', 'main', 'package', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'oauth-console', 'dist', 'renderer', 'index.html'))).toBe(true);
    expect(existsSync(join(installed, '.bin', 'oauth-console'))).toBe(true);
    expect(existsSync(join(installed, 'electron'))).toBe(false);
    // What the package does not ship: sources, tests, the desktop shell.
    expect(existsSync(join(installed, 'oauth-console', 'src'))).toBe(false);
    expect(existsSync(join(installed, 'oauth-console', 'test'))).toBe(false);
  });

  it('npx oauth-console serve --port 0: prints its issuer, issues a client-credentials token, serves the console, stops on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oauth-console-bin-'));
    try {
      const served = await npxServe(project.dir, ['--port', '0', '--data-dir', dataDir, '--keychain', 'off']);
      try {
        expect(served.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const config = await client.discovery(new URL(served.issuer), served.clientId, served.clientSecret, client.ClientSecretBasic(served.clientSecret), {
          execute: [client.allowInsecureRequests],
        });
        const tokens = await client.clientCredentialsGrant(config, { scope: 'read:user' });
        expect(tokens.access_token).toMatch(/^oc_cc_/);
        expect((await client.tokenIntrospection(config, tokens.access_token)).active).toBe(true);
        const consolePage = await fetch(`${served.issuer}/console/`);
        expect(consolePage.status).toBe(200);
        expect(await consolePage.text()).toMatch(/<div id="root">/);
      } finally {
        await served.stop();
      }
      await expect.poll(() => served.output(), { timeout: 10_000 }).toMatch(/^SIGTERM: shutting down$/m);
      await expect.poll(() => answers(served.issuer), { timeout: 10_000 }).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('startServer() from a plain ESM script: issuer, demo client, typed admin calls, AdminError, the data folder removed on stop', async () => {
    copyFileSync(join(ROOT, 'test', 'package', 'consumer', 'start-server.mjs'), join(project.dir, 'start-server.mjs'));
    const { stdout } = await run(process.execPath, ['start-server.mjs'], { cwd: project.dir, timeoutMs: Math.min(left(), 30_000) });
    const seen = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(seen.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(seen).toMatchObject({ tokenStatus: 200, tokenType: 'Bearer', accessTokenPrefix: 'oc_cc_', appNames: ['Demo App'], existedWhileRunning: true, removedOnStop: true });
    expect(seen.users).toEqual(['olivia.owner@example.test', 'adam.admin@example.test', 'mia.member@example.test']);
    expect(seen.refused).toEqual({ isAdminError: true, code: 'invalid_input', fields: ['id'] });
    expect(seen.publicKeys).toEqual(['admin', 'advanceClock', 'clearSimulations', 'dataDir', 'demo', 'issuer', 'mintToken', 'simulate', 'stop']);
  }, 40_000);

  it("the shipped declarations type a consumer's code (tsc, strict, without skipLibCheck)", async () => {
    copyFileSync(join(ROOT, 'test', 'package', 'consumer', 'types-check.ts'), join(project.dir, 'types-check.ts'));
    const tsconfig = {
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'esnext.disposable', 'dom'], types: [], skipLibCheck: false },
      files: ['types-check.ts'],
    };
    writeFileSync(join(project.dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project.dir, timeoutMs: Math.min(left(), 60_000) });
  }, 60_000);
});
