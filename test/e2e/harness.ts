import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '..', '..');

/** Debian's Chromium: the only browser these tests use (no browser is ever downloaded). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the end-to-end tests can run. In CI a missing Chromium is a
 * failure (the test reports it); locally the tests skip and say why.
 */
export function chromiumStatus(): { available: boolean; mustFail: boolean; reason: string } {
  const available = existsSync(CHROMIUM);
  return {
    available,
    mustFail: !available && process.env.CI === 'true',
    reason: available ? '' : `no Chromium at ${CHROMIUM}, so the end-to-end console tests cannot run (install Debian's chromium, or set CHROMIUM_PATH)`,
  };
}

/** Headless Chromium as this machine needs it; Playwright gives it a fresh temporary profile. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
}

/** Builds the console into a fresh folder with the script `npm run serve` uses (the renderer of `npm run build`). */
export async function buildConsole(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'oauth-console-renderer-'));
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'build-console.mjs'), outDir], { cwd: ROOT });
  return outDir;
}

export interface ServeProcess {
  issuer: string;
  /** The web console URL the server printed, with the admin token in its fragment. */
  consoleUrl: string;
  stdout: () => string;
  stop(): Promise<void>;
}

/** Runs `npm run serve`'s command on a free port with a fresh data folder, serving the given console build. */
export async function serve(rendererDir: string): Promise<ServeProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'oauth-console-e2e-'));
  const child: ChildProcess = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['--tsconfig', 'tsconfig.node.json', 'src/main/cli.ts', '--port', '0', '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, OAUTH_CONSOLE_DATA_DIR: '', OAUTH_CONSOLE_RENDERER_DIR: rendererDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    const issuer = /^issuer: (\S+)$/m.exec(stdout)?.[1];
    const consoleUrl = /(https?:\/\/\S+\/console\/?#token=\S+)/.exec(stdout)?.[1];
    if (issuer && consoleUrl) {
      return {
        issuer,
        consoleUrl,
        stdout: () => stdout,
        async stop() {
          child.kill('SIGTERM');
          await exited;
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not print its issuer and console URL:\n${stdout}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A stand-in for the client app's redirect target: records each callback URL it receives. */
export async function callbackServer(): Promise<{ base: string; received: URL[]; close(): Promise<void> }> {
  const received: URL[] = [];
  const server: Server = createServer((req, res) => {
    received.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Callback</title><p>The client app received the callback.</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Where screenshots go: `test-results/console/` (git-ignored), or `$E2E_SCREENSHOTS`. */
export async function screenshotDir(): Promise<string> {
  const dir = process.env.E2E_SCREENSHOTS ?? join(ROOT, 'test-results', 'console');
  await mkdir(dir, { recursive: true });
  return dir;
}
